import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../gateway.js';

const TOKEN = 'post-test-token-0123456789';
let gateway: Gateway;
let endpoint: string;
let journalPath: string;
beforeAll(async () => {
  journalPath = join(mkdtempSync(join(tmpdir(), 'tocsin-post-')), 'j.sqlite');
  gateway = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: journalPath },
  });
  endpoint = `http://127.0.0.1:${gateway.port}/v1/events`;
});
afterAll(() => gateway.close());

const post = (body: string, token = TOKEN) =>
  fetch(endpoint, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
const alert = { title: 'Backup failed on db-01', severity: 'high', category: 'outage', host: 'db-01' };

describe('POST /v1/events', () => {
  it('journals one alert or a batch and answers 202 with the seqs', async () => {
    const one = await post(JSON.stringify({ kind: 'fired', alertId: 'backup-db-01', alert }));
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ seqs: [1] });
    const batch = await post(
      JSON.stringify([
        { kind: 'resolved', alertId: 'backup-db-01' },
        { kind: 'fired', alertId: 'b2', alert },
      ]),
    );
    expect(await batch.json()).toEqual({ seqs: [2, 3] });
    expect(gateway.journal.alertState('backup-db-01')).toMatchObject({
      status: 'resolved',
      source: 'http',
      title: 'Backup failed on db-01',
    });
  });
  it('refuses a wrong token (401), garbage (400 with the reason), and over 1 MiB (413)', async () => {
    const badToken = await post('{}', 'wrong-token-0123456789');
    expect(badToken.status).toBe(401);
    expect(badToken.headers.get('content-type')).toBe('application/json');
    expect(await badToken.json()).toEqual({ code: 'bad_token', error: 'a valid bearer token is required' });
    const garbage = await post('{"kind":"fired"');
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toEqual({ code: 'body_not_json', error: expect.stringMatching(/not JSON/) });
    const invalid = await post(
      JSON.stringify({ kind: 'fired', alertId: 'x', alert: { ...alert, severity: 'apocalyptic' } }),
    );
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({ code: 'invalid_event', error: expect.stringMatching(/^alert\.severity: /) });
    const tooLarge = await post('x'.repeat(1024 * 1024 + 10));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ code: 'body_too_large', error: 'body over 1048576 bytes' });
    expect(gateway.stats.rejected).toMatchObject({ events_401: 1, events_400: 2, events_413: 1 });
    expect(gateway.journal.bounds().last).toBe(3);
  });
  it('answers 503 when the journal cannot write, stores nothing of that batch, and works again after', async () => {
    const before = gateway.journal.bounds().last;
    const other = new Database(journalPath);
    other.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    const refused = await post(
      JSON.stringify([
        { kind: 'fired', alertId: 'c1', alert },
        { kind: 'fired', alertId: 'c2', alert },
      ]),
    );
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      code: 'journal_unavailable',
      error: expect.stringMatching(/journal write failed: database or disk is full/),
    });
    expect(gateway.journal.bounds().last).toBe(before);
    expect(gateway.journal.alertState('c1')).toBeUndefined();
    other.exec('DROP TRIGGER refuse');
    other.close();
    const retried = await post(
      JSON.stringify([
        { kind: 'fired', alertId: 'c1', alert },
        { kind: 'fired', alertId: 'c2', alert },
      ]),
    );
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ seqs: [before + 1, before + 2] });
  });
  it('refuses deep nesting in every field with 400 too_deep, and a body deeper than fits in 1 MiB with 413; the gateway lives', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const bodies = (d: string) => [
      d,
      `{"kind":${d},"alertId":"x"}`,
      `{"kind":"fired","alertId":${d},"alert":{}}`,
      `{"kind":"fired","alertId":"x","alert":{"title":"t","severity":"high","category":"outage","labels":${d}}}`,
      `[{"kind":"fired","alertId":"x","alert":${d}}]`,
    ];
    const before = gateway.journal.bounds().last;
    for (const depth of [40, 5_000, 500_000]) {
      for (const body of bodies(deep(depth))) {
        const answer = await post(body);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toEqual({
          code: 'body_too_deep',
          error: expect.stringMatching(/^body refused: nested deeper than 32 levels/),
        });
      }
    }
    expect((await post(deep(1_000_000))).status).toBe(413);
    expect(gateway.journal.bounds().last).toBe(before);
    expect((await post(JSON.stringify({ kind: 'fired', alertId: 'after-deep', alert }))).status).toBe(202);
  });
  it('refuses a label key __proto__ with 400 naming it, rather than dropping it; keeps "constructor"', async () => {
    const refused = await post(
      `{"kind":"fired","alertId":"proto","alert":{"title":"t","severity":"high","category":"outage","labels":{"__proto__":"x","team":"db"}}}`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      code: 'forbidden_key',
      error: 'body refused: the key "__proto__" is not accepted (at alert.labels)',
    });
    expect(gateway.journal.alertState('proto')).toBeUndefined();
    const kept = await post(
      JSON.stringify({ kind: 'fired', alertId: 'ctor', alert: { ...alert, labels: { constructor: 'y' } } }),
    );
    expect(kept.status).toBe(202);
    expect(gateway.journal.alertState('ctor')?.labels).toEqual({ constructor: 'y' });
  });
  it('journals a batch retried with the same Idempotency-Key once, answering null for the repeats', async () => {
    const batch = JSON.stringify([
      { kind: 'fired', alertId: 'retry-1', alert },
      { kind: 'fired', alertId: 'retry-2', alert },
    ]);
    const send = (key: string, body = batch) =>
      fetch(endpoint, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${TOKEN}`, 'idempotency-key': key },
      });
    const first = (await (await send('job-42-run-7')).json()) as { seqs: Array<number | null> };
    expect(first.seqs.every((seq) => typeof seq === 'number')).toBe(true);
    const last = gateway.journal.bounds().last;
    // The sender never saw the 202 and sends again: nothing new is journaled.
    const again = await send('job-42-run-7');
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ seqs: [null, null] });
    expect(gateway.journal.bounds().last).toBe(last);
    // Another key, or the same key with other content, is new.
    expect(((await (await send('job-42-run-8')).json()) as { seqs: unknown[] }).seqs).toEqual([last + 1, last + 2]);
    const changed = JSON.stringify([{ kind: 'resolved', alertId: 'retry-1' }]);
    expect(((await (await send('job-42-run-7', changed)).json()) as { seqs: unknown[] }).seqs).toEqual([last + 3]);
    const bad = await send('k'.repeat(256));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_event', error: expect.stringMatching(/Idempotency-Key/) });
  });
});
