/**
 * Mounting escalation on a gateway: parse the section against the directory, open the
 * channels, mount the acknowledge link's routes and start the engine. The gateway calls the
 * returned `onEvents` after each journal append and `close` when it stops.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/protocol/bounded-json.js';
import { migrate } from '../../common/node/sqlite/migrate.js';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { JOURNAL_MIGRATIONS } from '../journal/migrations.js';
import { ACK_PATH, ActionLinks } from './action-links.js';
import { ackRoutes, type Acknowledge, type LinkStats } from './ack-routes.js';
import type { Channel } from './channels/channel.js';
import { EmailChannel } from './channels/email.js';
import { WebhookChannel } from './channels/webhook.js';
import { WebPushChannel } from './channels/web-push.js';
import { parseEscalationConfig, vapidSubject, type EscalationConfig } from './config.js';
import type { Directory, Person, Presence } from './directory.js';
import { pushRoutes, type PushRouteStats } from './push/push-routes.js';
import { ChannelHealth } from './channel-health.js';
import { consoleRoutes } from './console-routes.js';
import { PushStore, type PushSubscriptions } from './push/push-store.js';
import { Escalator, type JournaledEvent } from './escalator.js';
import type { ChannelName } from './ladder.js';
import { EscalationStore } from './store.js';
import type { SharedEscalation } from './cluster-escalation.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The part of the gateway escalation mounts itself on. */
export type EscalationHooks = {
  addRoute(
    method: string,
    path: string,
    handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  ): void;
};

/** What escalation needs from the gateway. */
export type EscalationDeps = {
  /** A connection to the journal's database (see `openEscalationDatabase`). */
  db: Database.Database;
  directory: Directory;
  presence: Presence;
  /** The person behind a device token (push registrations are theirs), or null. */
  identify?: (token: string) => Person | null;
  /** Acknowledge an alert as a person; called once per valid link POST. */
  acknowledge: Acknowledge;
  /** Journal and fan out an event (escalation outcomes, as `commented` by `escalation`). */
  publish: (event: AlertEvent) => void;
  clock?: Clock;
  log?: (message: string) => void;
  /** Replace the channels built from the configuration (tests). */
  channels?: Partial<Record<ChannelName, Channel>>;
  /** In a cluster: what every gateway shares (cluster-escalation.ts); absent for a lone gateway. */
  shared?: SharedEscalation;
  /** Whether the alert is acknowledged now (the journal's state). */
  isAcknowledged?: (alertId: string) => boolean;
};

/** Escalation, running. */
export type InstalledEscalation = {
  escalator: Escalator;
  /** Feed it every journaled event (after each append). */
  onEvents(entries: readonly JournaledEvent[]): void;
  linkStats: LinkStats;
  pushStats: PushRouteStats;
  /** Whether each channel's last send worked. */
  health: ChannelHealth;
  links: ActionLinks;
  push: PushStore;
  store: EscalationStore;
  close(): Promise<void>;
};

/** A second connection to the journal's database, brought up to the newest migration. */
export function openEscalationDatabase(journalPath: string, nativeBinding?: string): Database.Database {
  const db = new Database(journalPath, nativeBinding === undefined ? {} : { nativeBinding });
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  migrate(db, JOURNAL_MIGRATIONS, `the gateway journal ${journalPath}`);
  return db;
}

/** Parse the `escalation` section against the directory; throws naming the field. */
export function escalationConfig(input: unknown, directory: EscalationDeps['directory']): EscalationConfig {
  const parsed = parseEscalationConfig(input, directory);
  if (!parsed.ok) throw new Error(`gateway configuration: ${parsed.message}`);
  return parsed.value;
}

/** Mount `GET`/`POST /v1/ack` and the console's routes, and start the engine on `config`. */
export function installEscalation(
  hooks: EscalationHooks,
  config: EscalationConfig,
  deps: EscalationDeps,
): InstalledEscalation {
  const clock = deps.clock ?? systemClock;
  const store = new EscalationStore(deps.db);
  const shared = deps.shared;
  const links = new ActionLinks(
    config.linkSecret ?? shared?.linkSecret ?? store.linkSecret(),
    config.publicUrl,
    config.linkTtlMs,
    config.consoleUrl ?? `${config.publicUrl}/console`,
  );
  const email = config.smtp && !deps.channels ? new EmailChannel(config.smtp) : undefined;
  const push = new PushStore(deps.db);
  const subscriptions = shared?.push ?? push;
  const vapid = shared?.vapid ?? push.vapidKeys();
  const webPush = webPushChannel(config, subscriptions, vapid, () => clock.now(), deps.log);
  const channels = deps.channels ?? {
    ...(email ? { email } : {}),
    ...(webPush ? { push: webPush } : {}),
    webhook: new WebhookChannel({ now: () => clock.now() }),
  };
  const routes = ackRoutes({
    links,
    store: shared?.nonces ?? store,
    acknowledge: deps.acknowledge,
    now: () => clock.now(),
    personName: (id) => deps.directory.person(id)?.name ?? id,
  });
  hooks.addRoute('GET', ACK_PATH, routes.get);
  hooks.addRoute('POST', ACK_PATH, routes.post);
  const registration = pushRoutes({
    store: subscriptions,
    publicKey: vapid.publicKey,
    identify: deps.identify ?? (() => null),
    channel: channels.push ?? unavailablePush,
    consoleUrl: config.consoleUrl ?? `${config.publicUrl}/console`,
    now: () => clock.now(),
  });
  const health = new ChannelHealth(Object.keys(channels) as ChannelName[]);
  // In a cluster the leader sends: every gateway's consoles hear how its sends went.
  shared?.onHealth((channel, result, at) => health.record(channel, result, at));
  const forConsoles = consoleRoutes({
    store,
    push: subscriptions,
    ...(shared ? { overlay: shared.overlay(store) } : {}),
    directory: deps.directory,
    identify: deps.identify ?? (() => null),
    health,
    publicKey: vapid.publicKey,
    pushAvailable: channels.push !== undefined,
  });
  for (const [method, path, route] of [...registration.routes, ...forConsoles]) hooks.addRoute(method, path, route);
  const escalator = new Escalator(config.policies, {
    store,
    directory: deps.directory,
    presence: deps.presence,
    channels,
    links,
    publish: deps.publish,
    clock,
    health: shared ? { record: shared.recordHealth } : health,
    ...(shared ? { gate: shared.gate(store) } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.isAcknowledged ? { isAcknowledged: deps.isAcknowledged } : {}),
  });
  escalator.start();
  return {
    escalator,
    onEvents: (entries) => escalator.onEvents(entries),
    linkStats: routes.stats,
    pushStats: registration.stats,
    health,
    links,
    push,
    store,
    close: async () => {
      await escalator.stop();
      shared?.close();
      webPush?.close();
      email?.close();
    },
  };
}

/** The Web Push channel, when push services can be told who runs this gateway (see `vapidSubject`). */
function webPushChannel(
  config: EscalationConfig,
  store: PushSubscriptions,
  vapid: { publicKey: string; privateKey: string },
  now: () => number,
  log?: (message: string) => void,
): WebPushChannel | undefined {
  const subject = vapidSubject(config);
  if (!subject) return undefined;
  const ca = config.push.tls ? readCa(config.push.tls.caFile) : undefined;
  return new WebPushChannel(store, {
    vapid,
    subject,
    ttlSeconds: config.push.ttlSeconds,
    timeoutMs: config.push.timeoutMs,
    now,
    ...(ca ? { agent: new Agent({ ca, keepAlive: true }) } : {}),
    ...(log ? { log } : {}),
  });
}

/** The CA file for push services, or an error naming the field and why it could not be read. */
function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`gateway configuration: escalation.push.tls.caFile: cannot read ${file}: ${errorMessage(error)}`);
  }
}

const unavailablePush: Channel = {
  send: async () => ({
    ok: false,
    code: 'push_unconfigured',
    message: 'Web Push needs escalation.push.subject (a mailto: or https: contact) when publicUrl is not https',
  }),
};
