/**
 * The core's worker thread: receives `init`, starts the backend (core + embedded gateway
 * when nothing is configured), then serves invocations and forwards UI updates and the tray
 * observer's models. Built to dist/core/worker.cjs and started by CoreHost from either shell.
 */
import { parentPort } from 'node:worker_threads';
import { dispatch } from '../api/dispatch.js';
import { ShellNotifier } from '../notify/delivery/shell.js';
import { startBackend, type Backend } from './backend.js';
import { HEARTBEAT_INTERVAL_MS, type CoreFault, type FromWorker, type ToWorker } from './messages.js';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);
let backend: Backend | null = null;
/** Used only when the shell shows the notifications itself (CoreInit.shellNotifications). */
const shellNotifier = new ShellNotifier((id, request) => post({ type: 'notify', id, request }));

// The supervisor's watchdog listens for this: a worker whose event loop stops turning (a busy
// loop, a runaway synchronous query) stops beating and is restarted. Unref'd: it never keeps
// the worker alive after `close`.
setInterval(() => post({ type: 'heartbeat' }), HEARTBEAT_INTERVAL_MS).unref();

/** Fault injection for the end-to-end tests; without TOCSIN_TEST_HOOKS=1 the message is ignored. */
const testHooks = process.env.TOCSIN_TEST_HOOKS === '1';

port.on('message', (message: ToWorker) => {
  void handle(message).catch((error: Error) => post({ type: 'failed', message: error.message }));
});

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      try {
        backend = await startBackend(message.init, {
          shell: shellNotifier,
          openExternal: (url) => post({ type: 'open-external', url }),
          showConsole: (alerts) => {
            post({ type: 'show-console' });
            // Open on a digest: the board shows exactly the alerts it spoke for.
            if (alerts.length > 0)
              post({
                type: 'update',
                update: { alerts: [], metrics: [], feeds: [], focusSet: { alerts: [...alerts] } },
              });
          },
          openAlert: (feedId, alertId) => {
            post({ type: 'open-alert', feedId, alertId }); // the shell brings the window up…
            post({ type: 'update', update: { alerts: [], metrics: [], feeds: [], focus: { feedId, alertId } } }); // …on that alert
          },
        });
      } catch (error) {
        post({ type: 'failed', message: (error as Error).message });
        return;
      }
      backend.core.onUpdate((update) => post({ type: 'update', update }));
      backend.tray.onModel((model) => post({ type: 'tray', model }));
      post({ type: 'ready', embeddedGatewayUrl: backend.embeddedGatewayUrl });
      return;
    }
    case 'invoke': {
      const result = backend
        ? await dispatch(backend.core.handlers, message.op, message.request)
        : { ok: false as const, code: 'unavailable' as const, message: 'the core is still starting' };
      post({ type: 'result', id: message.id, result });
      return;
    }
    case 'window':
      backend?.core.setWindowState(message.state);
      return;
    case 'snooze':
      backend?.policy.snooze(message.hours);
      return backend?.tray.changed();
    case 'notification':
      return shellNotifier.answer(message.id, message.event);
    case 'pause':
      backend?.policy.setPaused(message.paused);
      return backend?.tray.changed();
    case 'close':
      await backend?.close();
      post({ type: 'closed' });
      port.close();
      return;
    case 'test-fault':
      if (testHooks) injectFault(message.fault);
      return;
  }
}

function injectFault(fault: CoreFault): void {
  if (fault === 'crash') {
    // Thrown from a timer, outside any promise chain: an uncaught exception that ends the worker.
    setTimeout(() => {
      throw new RangeError('test hook: the core crashed on purpose');
    }, 0);
    return;
  }
  console.error('tocsin core: test hook: hanging the core on purpose');
  for (;;) {
    // Never returns: the event loop is blocked, so heartbeats, updates and answers stop.
  }
}
