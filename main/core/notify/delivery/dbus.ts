/**
 * Linux notifications spoken over D-Bus directly: one session-bus connection for every
 * notification, instead of one `notify-send --wait` process per notification kept alive until it
 * closes. GetCapabilities (asked once, at open) decides whether actions are offered; Notify's
 * reply carries the id; ActionInvoked and NotificationClosed, from the server that answered,
 * resolve the outcome. `withdraw` closes an alert's notification once it needs no answer.
 * Failures are named (no session bus, no notification server, a call that errors or never
 * answers): `open` returns them, `show` resolves `failed` with them and never rejects.
 */
import type { Message as DbusMessage, MessageBus } from 'dbus-next';
import { systemClock, type Clock } from '../../../../common/clock.js';
import type { AlertRef, DeliveryOutcome, DeliveryProgress, NotificationRequest, Notifier } from '../request.js';
import {
  actionOutcome,
  explainDbusError,
  notifyCall,
  NOTIFICATIONS_INTERFACE,
  NOTIFICATIONS_NAME,
  NOTIFICATIONS_PATH,
  NOTIFY_SIGNATURE,
  serverFeatures,
  type ServerFeatures,
} from './dbus-protocol.js';

/** A connection to a bus: dbus-next's sessionBus, or a stand-in. */
export type ConnectBus = (busAddress: string) => MessageBus;

/** How the D-Bus notifier connects and calls. */
export type DbusNotifierOptions = {
  /** Where DBUS_SESSION_BUS_ADDRESS is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  connect?: ConnectBus;
  clock?: Clock;
  /** A call with no reply within this long fails (default 10 s). */
  callTimeoutMs?: number;
  /** An icon file or freedesktop icon name. */
  icon?: string;
  /** Tag an alert's notification so dunst replaces an earlier one of the same alert (default false). */
  stackTag?: boolean;
};

/** The notifier, or why there is none on this session. */
export type DbusOpenResult = { ok: true; notifier: DbusNotifier } | { ok: false; reason: string };

type Pending = { request: NotificationRequest; server: string; finish: (outcome: DeliveryOutcome) => void };

/** dbus-next's runtime exports. */
export type DbusNext = typeof import('dbus-next');

/**
 * dbus-next, loaded when first needed through a specifier the bundler cannot follow: bundled, its
 * optional X11 address lookup (`require('x11')`) does not resolve, so it stays in node_modules
 * like the other packages the build keeps external (scripts/build.mjs).
 */
export async function loadDbusNext(specifier = 'dbus-next'): Promise<DbusNext> {
  const loaded = (await import(specifier)) as DbusNext & { default?: DbusNext };
  return loaded.default ?? loaded;
}
const BUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };

/** Notifications over one D-Bus session connection. Make one with `DbusNotifier.open`. */
export class DbusNotifier implements Notifier {
  /** Notifications on screen by id, waiting for the server's answer. */
  private readonly pending = new Map<number, Pending>();
  /** Why the connection can no longer be used (it failed, or `close` ended it). */
  private broken: string | null = null;

  private constructor(
    private readonly lib: DbusNext,
    private readonly bus: MessageBus,
    /** What the notification server can do (GetCapabilities at open). */
    readonly features: ServerFeatures,
    private readonly options: DbusNotifierOptions,
  ) {
    bus.on('message', (message: DbusMessage) => this.onMessage(message));
    bus.on('error', (error: unknown) => this.fail(explainDbusError(error, 'the D-Bus session connection')));
  }

  /**
   * Connect to the session bus, subscribe to the server's signals and ask its capabilities.
   * Resolves `{ ok: false, reason }` when any of that fails, with the connection ended.
   */
  static async open(options: DbusNotifierOptions = {}): Promise<DbusOpenResult> {
    const address = (options.env ?? process.env).DBUS_SESSION_BUS_ADDRESS;
    if (!address) return { ok: false, reason: 'no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set' };
    let lib: DbusNext;
    try {
      lib = await loadDbusNext();
    } catch (error) {
      return { ok: false, reason: `the dbus-next package cannot be loaded: ${String(error)}` };
    }
    const { Message } = lib;
    let bus: MessageBus;
    try {
      bus = (options.connect ?? ((busAddress) => lib.sessionBus({ busAddress })))(address);
    } catch (error) {
      return { ok: false, reason: explainDbusError(error, `connecting to the session bus at ${address}`) };
    }
    // Until open returns, a connection error is open's failure (and must not go unhandled).
    let connectionError: unknown = null;
    const onError = (error: unknown) => (connectionError ??= error);
    bus.on('error', onError);
    const call = (message: DbusMessage) => callWithin(bus, message, options, () => connectionError);
    try {
      // Signals from any notification server: each pending notification checks its own server's.
      const match = `type='signal',interface='${NOTIFICATIONS_INTERFACE}',path='${NOTIFICATIONS_PATH}'`;
      await call(new Message({ ...BUS, member: 'AddMatch', signature: 's', body: [match] }));
      // And the server leaving the bus: what it showed will never be answered.
      const gone = `type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${NOTIFICATIONS_NAME}'`;
      await call(new Message({ ...BUS, member: 'AddMatch', signature: 's', body: [gone] }));
      // Refuse at once when nothing owns the name and nothing could be started for it.
      const [owned] = (
        await call(new Message({ ...BUS, member: 'NameHasOwner', signature: 's', body: [NOTIFICATIONS_NAME] }))
      ).body as [boolean];
      if (!owned) {
        const [activatable] = (await call(new Message({ ...BUS, member: 'ListActivatableNames' }))).body as [string[]];
        if (!activatable.includes(NOTIFICATIONS_NAME))
          throw new Error(
            `no notification server owns ${NOTIFICATIONS_NAME} on the session bus, and none can be started for it`,
          );
      }
      const reply = await call(
        new Message({
          destination: NOTIFICATIONS_NAME,
          path: NOTIFICATIONS_PATH,
          interface: NOTIFICATIONS_INTERFACE,
          member: 'GetCapabilities',
        }),
      );
      bus.removeListener('error', onError);
      return { ok: true, notifier: new DbusNotifier(lib, bus, serverFeatures(reply.body[0] as string[]), options) };
    } catch (error) {
      bus.disconnect();
      return {
        ok: false,
        reason: explainDbusError(error, 'connecting and asking the notification server its capabilities'),
      };
    }
  }

  async show(request: NotificationRequest, progress?: DeliveryProgress): Promise<DeliveryOutcome> {
    if (this.broken) return { kind: 'failed', reason: this.broken };
    const call = notifyCall(request, this.features, this.options);
    const hints = Object.fromEntries(
      Object.entries(call.hints).map(([k, h]) => [k, new this.lib.Variant(h.signature, h.value)]),
    );
    let reply: DbusMessage;
    try {
      reply = await callWithin(
        this.bus,
        new this.lib.Message({
          destination: NOTIFICATIONS_NAME,
          path: NOTIFICATIONS_PATH,
          interface: NOTIFICATIONS_INTERFACE,
          member: 'Notify',
          signature: NOTIFY_SIGNATURE,
          body: [call.appName, 0, call.icon, call.summary, call.body, call.actions, hints, call.expireTimeout],
        }),
        this.options,
        () => this.broken,
      );
    } catch (error) {
      return { kind: 'failed', reason: explainDbusError(error, 'Notify') };
    }
    const id = reply.body[0] as number;
    // Closed while the server answered: it is on screen, and no answer will be heard.
    if (this.broken) return { kind: 'shown' };
    // Ordered on one connection: the server's signals for this id cannot have arrived before its reply.
    const outcome = new Promise<DeliveryOutcome>((resolve) =>
      this.pending.set(id, { request, server: reply.sender, finish: resolve }),
    );
    progress?.shown(
      this.features.actions
        ? undefined
        : { warning: 'the notification server shows no action buttons: acknowledge from the console' },
    );
    return outcome;
  }

  /**
   * Close the notifications of `alert` that are still on screen (it was acknowledged or resolved):
   * they resolve `shown`, as no answer will come. A digest that also covers other alerts stays.
   * Resolves how many were withdrawn.
   */
  async withdraw(alert: AlertRef): Promise<number> {
    const ids = [...this.pending]
      .filter(([, p]) => p.request.alert?.feedId === alert.feedId && p.request.alert.alertId === alert.alertId)
      .map(([id]) => id);
    for (const id of ids) this.settle(id, { kind: 'shown' });
    if (this.broken) return 0;
    await Promise.all(
      ids.map(
        (id) =>
          callWithin(
            this.bus,
            new this.lib.Message({
              destination: NOTIFICATIONS_NAME,
              path: NOTIFICATIONS_PATH,
              interface: NOTIFICATIONS_INTERFACE,
              member: 'CloseNotification',
              signature: 'u',
              body: [id],
            }),
            this.options,
            () => this.broken,
          ).catch(() => undefined), // already closed on the server: nothing to withdraw
      ),
    );
    return ids.length;
  }

  /** End the connection: notifications still on screen stay there and resolve `shown`. */
  async close(): Promise<void> {
    if (!this.broken) this.fail('the D-Bus notifier is closed');
    this.bus.disconnect();
  }

  private onMessage(message: DbusMessage): void {
    if (message.type !== this.lib.MessageType.SIGNAL) return;
    if (message.member === 'NameOwnerChanged' && message.sender === BUS.destination) {
      const [name, oldOwner] = message.body as [string, string, string];
      if (name !== NOTIFICATIONS_NAME || !oldOwner) return;
      for (const [id, pending] of [...this.pending])
        if (pending.server === oldOwner) this.settle(id, { kind: 'shown' });
      return;
    }
    if (message.interface !== NOTIFICATIONS_INTERFACE) return;
    const id = message.body[0] as number;
    // Only the server that showed it speaks for a notification (another client could forge signals).
    if (this.pending.get(id)?.server !== message.sender) return;
    if (message.member === 'ActionInvoked') this.settle(id, actionOutcome(String(message.body[1])));
    else if (message.member === 'NotificationClosed') this.settle(id, { kind: 'dismissed' });
  }

  private settle(id: number, outcome: DeliveryOutcome): void {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    pending?.finish(outcome);
  }

  /** The connection is unusable: what is on screen resolves `shown`, what comes fails with `reason`. */
  private fail(reason: string): void {
    this.broken = reason;
    for (const id of [...this.pending.keys()]) this.settle(id, { kind: 'shown' });
  }
}

/** bus.call, failing when the connection is broken or fails, or no reply came within the timeout. */
async function callWithin(
  bus: MessageBus,
  message: DbusMessage,
  options: DbusNotifierOptions,
  broken: () => unknown,
): Promise<DbusMessage> {
  const already = broken();
  if (already) throw already instanceof Error ? already : new Error(String(already));
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.callTimeoutMs ?? 10_000;
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  let onError: ((error: unknown) => void) | undefined;
  try {
    return await Promise.race([
      bus.call(message).then((reply) => {
        if (!reply) throw new Error(`${message.member}: no reply`);
        return reply;
      }),
      new Promise<never>((_, reject) => {
        timer = clock.setTimeout(
          () => reject(new Error(`${message.member}: no reply within ${timeoutMs} ms`)),
          timeoutMs,
        );
        // dbus-next leaves a call on a failed connection unanswered: its error ends the wait.
        onError = reject;
        bus.on('error', onError);
      }),
    ]);
  } finally {
    if (timer !== undefined) clock.clearTimeout(timer);
    if (onError) bus.removeListener('error', onError);
  }
}
