/**
 * The Alertmanager receiver through the real gateway and a real WebSocket client, with
 * hand-written version 4 payloads (the real Alertmanager is in alertmanager.real.test.ts).
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedProbe, freePort } from '../../../tests/support/real-monitoring.js';
import { startGateway, type Gateway } from '../../gateway.js';
import type { AlertmanagerConfigInput } from './config.js';

const TOKEN = 'console-token-0123456789';
const AM_TOKEN = 'alertmanager-token-0123456789';
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function gateway(
  alertmanager: AlertmanagerConfigInput = { tokens: [AM_TOKEN] },
): Promise<{ g: Gateway; journalPath: string; probe: FeedProbe }> {
  const journalPath = join(mkdtempSync(join(tmpdir(), 'tocsin-am-')), 'journal.sqlite');
  const g = await startGateway({
    listen: { host: '127.0.0.1', port: 0 },
    tokens: [TOKEN],
    journal: { path: journalPath },
    alertmanager,
  });
  open.push(g);
  const probe = await FeedProbe.open(g.url, TOKEN);
  open.push(probe);
  return { g, journalPath, probe };
}

const webhookUrl = (g: Gateway) => `http://127.0.0.1:${g.port}/v1/alertmanager`;

function post(
  g: Gateway,
  body: unknown,
  token: string | null = AM_TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return fetch(webhookUrl(g), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
}

const amAlert = (
  fingerprint: string,
  status: 'firing' | 'resolved' = 'firing',
  extra: Record<string, unknown> = {},
) => ({
  status,
  labels: { alertname: 'DiskFull', instance: 'db-1:9100', job: 'node', severity: 'warning', mountpoint: '/var' },
  annotations: { summary: 'Disk /var on db-1 is 97% full', description: 'Free space below 3%' },
  startsAt: '2026-11-22T09:00:00.5Z',
  endsAt: status === 'resolved' ? '2026-11-22T09:30:00Z' : '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=disk',
  fingerprint,
  ...extra,
});
const message = (...alerts: unknown[]) => ({
  version: '4',
  groupKey: '{}:{alertname="DiskFull"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'tocsin',
  groupLabels: { alertname: 'DiskFull' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts,
});

describe('Alertmanager webhook receiver', () => {
  it('refuses a missing or wrong bearer token with 401', async () => {
    const { g } = await gateway();
    expect(await post(g, message(amAlert('f1')), null)).toEqual({
      status: 401,
      body: { code: 'bad_token', error: 'a valid bearer token is required' },
    });
    expect((await post(g, message(amAlert('f1')), TOKEN)).status).toBe(401); // the console token is not the webhook's
    expect(g.journal.bounds().last).toBe(0);
  });

  it('answers garbage with 400 and the reason, journaling nothing', async () => {
    const { g } = await gateway();
    const cases: Array<[unknown, string, RegExp]> = [
      ['{not json', 'body_not_json', /not JSON/],
      ['', 'body_not_json', /not JSON/],
      [[], 'invalid_webhook', /expected object/],
      [{ ...message(amAlert('f1')), version: '3' }, 'invalid_webhook', /version: only webhook payload version "4"/],
      [{ ...message(amAlert('f1')), alerts: 'many' }, 'invalid_webhook', /alerts: .*array/],
      [message({ ...amAlert('f1'), fingerprint: undefined }), 'invalid_webhook', /alerts\.0\.fingerprint/],
      [message({ ...amAlert('f1'), status: 'pending' }), 'invalid_webhook', /alerts\.0\.status/],
      [
        message({ ...amAlert('f1'), startsAt: 'yesterday' }),
        'invalid_webhook',
        /alerts\.0\.startsAt: not an RFC 3339 time/,
      ],
      [message({ ...amAlert('f1'), labels: { alertname: 5 } }), 'invalid_webhook', /alerts\.0\.labels\.alertname/],
      [
        `{"version":"4","alerts":[{"labels":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`,
        'body_too_deep',
        /^body refused: nested deeper than 32 levels/,
      ],
      [
        `{"version":"4","alerts":[{"labels":{"__proto__":"x"}}]}`,
        'forbidden_key',
        /^body refused: the key "__proto__" is not accepted \(at alerts\.0\.labels\)/,
      ],
    ];
    for (const [body, code, reason] of cases) {
      const answer = await post(g, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code, JSON.stringify(body)).toBe(code);
      expect(answer.body.error).toMatch(reason);
    }
    expect(g.journal.bounds().last).toBe(0);
    expect(g.alertmanager!.stats.answers[400]).toBe(cases.length);
  });

  it('answers a body over maxBodyBytes with 413, body_too_large and a hint for the receiver', async () => {
    const { g } = await gateway({ tokens: [AM_TOKEN], maxBodyBytes: 1024 });
    const answer = await post(g, message(...Array.from({ length: 20 }, (_, i) => amAlert(`big-${i}`))));
    expect(answer).toEqual({
      status: 413,
      body: { code: 'body_too_large', error: "body over 1024 bytes (lower the receiver's max_alerts)" },
    });
    expect(g.alertmanager!.stats.answers).toEqual({ 413: 1 });
  });

  it('journals each alert, answers 200 after the write, and the feed carries it with a seq', async () => {
    const { g, probe } = await gateway();
    const answer = await post(
      g,
      message(
        amAlert('f1'),
        amAlert('f2', 'firing', {
          labels: { alertname: 'SSHBruteForce', severity: 'page' },
          generatorURL: 'https://prom.example/g',
        }),
      ),
    );
    expect(answer).toEqual({ status: 200, body: { published: 2, duplicates: 0, seqs: [1, 2] } });
    const first = await probe.waitFor((r) => r.frame.type === 'event' && r.frame.event.alertId === 'f1', 2_000);
    expect(first.frame).toMatchObject({
      type: 'event',
      stream: 'alerts',
      seq: 1,
      event: {
        kind: 'fired',
        alertId: 'f1',
        source: 'alertmanager',
        alert: {
          title: 'Disk /var on db-1 is 97% full',
          body: 'Free space below 3%',
          severity: 'warning',
          category: 'capacity',
          host: 'db-1:9100',
          service: 'node',
          startsAt: Date.parse('2026-11-22T09:00:00.5Z'),
        },
      },
    });
    expect(
      first.frame.type === 'event' && first.frame.event.kind === 'fired' && first.frame.event.alert.url,
    ).toBeUndefined();
    const second = await probe.waitFor((r) => r.frame.type === 'event' && r.frame.event.alertId === 'f2', 2_000);
    expect(second.frame).toMatchObject({
      seq: 2,
      event: {
        alert: {
          title: 'Disk /var on db-1 is 97% full',
          severity: 'critical',
          category: 'security',
          url: 'https://prom.example/g',
        },
      },
    });
  });

  it('treats a repeat delivery as still firing: 200, no new event; a new startsAt is a new episode', async () => {
    const { g, probe } = await gateway();
    await post(g, message(amAlert('f1')));
    for (let i = 0; i < 3; i++)
      expect((await post(g, message(amAlert('f1')))).body).toMatchObject({ published: 0, duplicates: 1 });
    expect((await post(g, message(amAlert('f1', 'resolved')))).body).toMatchObject({ published: 1 });
    expect((await post(g, message(amAlert('f1', 'resolved')))).body).toMatchObject({ published: 0, duplicates: 1 });
    expect((await post(g, message(amAlert('f1', 'firing', { startsAt: '2026-11-22T11:00:00Z' })))).body).toMatchObject({
      published: 1,
    });
    await probe.waitFor((r) => r.frame.type === 'event' && r.frame.seq === 3, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(probe.events().map((r) => [r.frame.seq, r.frame.event.kind])).toEqual([
      [1, 'fired'],
      [2, 'resolved'],
      [3, 'fired'],
    ]);
    expect(g.alertmanager!.stats).toMatchObject({ published: 3, duplicates: 4 });
  });

  it('records a resolve of an alert it never saw as fired, then resolved', async () => {
    const { g, probe } = await gateway();
    expect((await post(g, message(amAlert('f9', 'resolved')))).body).toMatchObject({ published: 2 });
    await probe.waitFor((r) => r.frame.type === 'event' && r.frame.seq === 2, 2_000);
    expect(probe.events().map((r) => r.frame.event.kind)).toEqual(['fired', 'resolved']);
    expect(g.journal.alertState('f9')).toMatchObject({ status: 'resolved', title: 'Disk /var on db-1 is 97% full' });
  });

  it('answers 503 when the journal write fails, stores nothing, and stores the retry exactly once', async () => {
    const { g, journalPath, probe } = await gateway();
    // A real SQLite failure inside the journal's own transaction: a trigger (from a second
    // connection) aborts every insert into the events table until it is dropped.
    const saboteur = new Database(journalPath);
    saboteur.exec(
      "CREATE TRIGGER fail_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END",
    );
    const failed = await post(g, message(amAlert('f1'), amAlert('f2')));
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ code: 'journal_unavailable', error: expect.stringMatching(/disk full \(test\)/) });
    expect(g.journal.bounds().last).toBe(0);
    expect(g.journal.alertState('f1')).toBeUndefined();
    expect((await post(g, message(amAlert('f1'), amAlert('f2')))).status).toBe(503); // Alertmanager retries
    saboteur.exec('DROP TRIGGER fail_events');
    saboteur.close();
    expect(await post(g, message(amAlert('f1'), amAlert('f2')))).toMatchObject({
      status: 200,
      body: { published: 2, duplicates: 0 },
    });
    expect((await post(g, message(amAlert('f1'), amAlert('f2')))).body).toMatchObject({ published: 0, duplicates: 2 });
    await probe.waitFor((r) => r.frame.type === 'event' && r.frame.seq === 2, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(probe.events().map((r) => [r.frame.seq, r.frame.event.alertId])).toEqual([
      [1, 'f1'],
      [2, 'f2'],
    ]);
    expect(g.alertmanager!.stats.answers).toEqual({ 503: 2, 200: 2 });
  });

  it('fails an acknowledgement with source_failed, recording nothing, when Alertmanager cannot create the silence', async () => {
    const { g, probe } = await gateway({
      tokens: [AM_TOKEN],
      url: `http://127.0.0.1:${await freePort()}`,
      requestTimeoutMs: 1_000,
    });
    await post(g, message(amAlert('f1')));
    probe.send({
      type: 'action',
      id: 'ack-unreachable-1',
      alertId: 'f1',
      by: 'alice',
      request: { action: 'acknowledge' },
    });
    const result = await probe.waitFor((r) => r.frame.type === 'action_result', 3_000);
    expect(result.frame).toMatchObject({
      type: 'action_result',
      ok: false,
      code: 'source_failed',
      message: expect.stringMatching(/^alertmanager: /),
    });
    expect(g.journal.alertState('f1')!.acknowledged).toBeNull();
    // Resolving an Alertmanager alert from the console is refused: it resolves at its source.
    probe.send({ type: 'action', id: 'resolve-attempt-1', alertId: 'f1', by: 'alice', request: { action: 'resolve' } });
    const refused = await probe.waitFor(
      (r) => r.frame.type === 'action_result' && r.frame.id === 'resolve-attempt-1',
      3_000,
    );
    expect(refused.frame).toMatchObject({ ok: false, code: 'not_supported' });
  });
});
