/**
 * What runs in the core's worker thread: the console core and, when no feed is configured,
 * the embedded gateway with the demo simulator, so the first launch shows a living console.
 * This is the worker's composition root, the one place in main/core that knows the gateway.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import { ConsoleCore } from '../console-core.js';
import type { FeedProfile } from '../feed/feed-client.js';
import type { CoreInit } from './messages.js';

export type Backend = { core: ConsoleCore; embeddedGatewayUrl: string | null; close(): Promise<void> };
export type BackendHooks = { openAlert(feedId: string, alertId: string): void };

export const EMBEDDED_FEED_ID = 'embedded';

/** Start the core, with the embedded demo gateway if `init` names no feed. */
export async function startBackend(init: CoreInit, _hooks: BackendHooks): Promise<Backend> {
  mkdirSync(init.dataDir, { recursive: true });
  let gateway: Gateway | null = null;
  const feeds: FeedProfile[] = [...(init.feeds ?? [])];
  if (feeds.length === 0) {
    const token = randomBytes(32).toString('base64url');
    gateway = await startGateway({
      name: 'embedded-demo',
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [token],
      journal: { path: join(init.dataDir, 'embedded-gateway.sqlite') },
      heartbeatMs: 5_000,
      demo: { enabled: true },
    });
    feeds.push({ id: EMBEDDED_FEED_ID, name: 'Embedded demo feed', url: gateway.url, token, embedded: true });
  }
  const core = await ConsoleCore.open({
    dataDir: init.dataDir,
    feeds,
    userName: init.userName,
    log: (message) => console.error(`tocsin core: ${message}`),
  });
  return {
    core,
    embeddedGatewayUrl: gateway?.url ?? null,
    close: async () => {
      await core.close();
      await gateway?.close();
    },
  };
}
