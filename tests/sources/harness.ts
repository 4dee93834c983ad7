/**
 * A real gateway (journal in a temp dir, port 0) with a FeedProbe console attached, for the
 * source tests; `post` sends JSON to one of its routes. `closeAll` stops everything opened.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfigInput } from '../../gateway/config.js';
import { startGateway, type Gateway } from '../../gateway/gateway.js';
import { FeedProbe } from '../support/real-monitoring.js';

export const CONSOLE_TOKEN = 'console-token-0123456789';
const open: Array<{ close(): Promise<void> }> = [];

/** Close whatever `sourceGateway` opened, newest first (call from afterEach). */
export async function closeAll(): Promise<void> {
  for (const item of open.splice(0).reverse()) await item.close();
}

/** A gateway with `config` merged over a minimal one, and a console probe on its feed. */
export async function sourceGateway(
  config: Partial<GatewayConfigInput>,
  deps: { clock?: Clock; log?: (message: string) => void } = {},
): Promise<{ g: Gateway; probe: FeedProbe; journalPath: string }> {
  const journalPath = join(mkdtempSync(join(tmpdir(), 'tocsin-src-')), 'journal.sqlite');
  const g = await startGateway(
    { listen: { host: '127.0.0.1', port: 0 }, tokens: [CONSOLE_TOKEN], journal: { path: journalPath }, ...config },
    deps,
  );
  open.push(g);
  const probe = await FeedProbe.open(g.url, CONSOLE_TOKEN);
  open.push(probe);
  return { g, probe, journalPath };
}

/** POST `body` (JSON, or a raw string) to `path` with a bearer token; the status and parsed answer. */
export async function post(
  g: Gateway,
  path: string,
  body: unknown,
  token: string | null = CONSOLE_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${g.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
