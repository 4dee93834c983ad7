/**
 * JSON webhooks through the real gateway: the shipped Uptime Kuma mapping with payloads shaped
 * as Uptime Kuma's webhook notification sends them (`{ heartbeat, monitor, msg }`, heartbeat
 * status 0 down, 1 up, 2 pending, 3 maintenance), malformed bodies, missing fields and
 * hostile expressions: clear 400s, counted, nothing half-stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, post, sourceGateway } from '../../../tests/sources/harness.js';
import { parseGatewayConfig } from '../../config.js';
import { loadGatewayConfig } from '../../config.js';
import type { WebhookConfigInput } from './config.js';

afterEach(closeAll);

const KUMA_TOKEN = 'uptime-kuma-token-change-me-0123456789';
const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../examples/webhook-uptime-kuma.json'), 'utf8'))
  .webhooks['uptime-kuma'] as WebhookConfigInput;

/** Uptime Kuma's webhook body (server/notification-providers/webhook.js: heartbeatJSON, monitorJSON, msg). */
function kuma(status: 0 | 1 | 2 | 3, time = '2026-12-04 10:15:30.120') {
  return {
    heartbeat: {
      monitorID: 29,
      status,
      time,
      msg: status === 0 ? 'getaddrinfo ENOTFOUND shop.example.com' : '200 - OK',
      ping: status === 1 ? 41 : null,
      important: true,
      duration: 60,
      timezone: 'Europe/Berlin',
      timezoneOffset: '+01:00',
      localDateTime: '2026-12-04 11:15:30',
    },
    monitor: {
      id: 29,
      name: 'Shop front page',
      description: null,
      pathName: 'Shop front page',
      url: 'https://shop.example.com/',
      method: 'GET',
      hostname: null,
      port: null,
      maxretries: 0,
      type: 'http',
      interval: 60,
      active: true,
      tags: [{ tag_id: 1, monitor_id: 29, value: 'high', name: 'severity', color: '#DC2626' }],
    },
    msg: `[Shop front page] [${status === 0 ? '🔴 Down' : '✅ Up'}] ${status === 0 ? 'getaddrinfo ENOTFOUND shop.example.com' : '200 - OK'}`,
  };
}

const PATH = '/v1/webhooks/uptime-kuma';

describe('JSON webhooks', () => {
  it('maps Uptime Kuma down and up notifications with the shipped example', async () => {
    await expect(
      loadGatewayConfig(join(import.meta.dirname, '../../examples/webhook-uptime-kuma.json')),
    ).resolves.toBeTruthy();
    const { g, probe } = await sourceGateway({ webhooks: { 'uptime-kuma': example } });
    // Uptime Kuma's "Test" button sends a body with heartbeat and monitor null.
    expect(
      await post(g, PATH, { heartbeat: null, monitor: null, msg: 'Uptime Kuma Testing' }, KUMA_TOKEN),
    ).toMatchObject({
      status: 200,
      body: { published: 0, ignored: 1 },
    });
    // A first "up" of a new monitor resolves nothing.
    expect((await post(g, PATH, kuma(1, '2026-12-04 10:00:00.000'), KUMA_TOKEN)).body).toMatchObject({
      published: 0,
      ignored: 1,
    });
    expect(await post(g, PATH, kuma(0), KUMA_TOKEN)).toMatchObject({ status: 200, body: { published: 1 } });
    const fired = await probe.waitFor((r) => r.frame.type === 'event' && r.frame.event.kind === 'fired', 5_000);
    expect(fired.frame.type === 'event' && fired.frame.event).toMatchObject({
      alertId: 'uptime-kuma:29',
      source: 'webhook:uptime-kuma',
      alert: {
        title: 'Shop front page is down',
        body: 'getaddrinfo ENOTFOUND shop.example.com',
        severity: 'high',
        category: 'outage',
        host: 'shop.example.com',
        service: 'http',
        startsAt: Date.parse('2026-12-04T10:15:30.120Z'),
        labels: { monitor: 'Shop front page', monitor_type: 'http', monitor_url: 'https://shop.example.com/' },
      },
    });
    // The same notification again (a retry) journals nothing.
    expect((await post(g, PATH, kuma(0), KUMA_TOKEN)).body).toMatchObject({ published: 0, duplicates: 1 });
    expect((await post(g, PATH, kuma(1, '2026-12-04 10:17:30.000'), KUMA_TOKEN)).body).toMatchObject({ published: 1 });
    await probe.waitFor((r) => r.frame.type === 'event' && r.frame.event.kind === 'resolved', 5_000);
    expect(g.journal.alertState('uptime-kuma:29')?.status).toBe('resolved');
    expect(g.integrations.webhooks?.stats.get('uptime-kuma')).toMatchObject({
      published: 2,
      duplicates: 1,
      ignored: 2,
    });
  });

  it('refuses bad tokens, malformed bodies and missing fields with the errors table, counted', async () => {
    const { g } = await sourceGateway({ webhooks: { 'uptime-kuma': example } });
    expect((await post(g, PATH, kuma(0), 'not-the-token-0123456789')).body.code).toBe('bad_token');
    expect(await post(g, PATH, '{"heartbeat": ', KUMA_TOKEN)).toMatchObject({
      status: 400,
      body: { code: 'body_not_json' },
    });
    const noName = kuma(0);
    (noName.monitor as { name?: string }).name = undefined;
    const answer = await post(g, PATH, noName, KUMA_TOKEN);
    expect(answer).toMatchObject({ status: 400, body: { code: 'webhook_field_missing' } });
    expect(answer.body.error).toMatch(/^fields\.title: gave nothing/);
    expect((await post(g, '/v1/webhooks/nobody', kuma(0), KUMA_TOKEN)).status).toBe(404);
    expect(g.integrations.webhooks?.stats.get('uptime-kuma')?.refused).toEqual({
      bad_token: 1,
      body_not_json: 1,
      webhook_field_missing: 1,
    });
    expect(g.journal.bounds().last).toBe(0);
  });

  it('stores nothing of a batch when one item fails', async () => {
    const { g } = await sourceGateway({
      webhooks: { ci: { fields: { each: 'alerts', id: 'id', title: 'name', severity: 'level' } } },
    });
    const answer = await post(g, '/v1/webhooks/ci', {
      alerts: [{ id: 'a', name: 'Build broken', level: 'critical' }, { id: 'b' }],
    });
    expect(answer).toMatchObject({ status: 400, body: { code: 'webhook_field_missing' } });
    expect(answer.body.error).toMatch(/^item 1: fields\.title/);
    expect(g.journal.bounds().last).toBe(0);
    expect(
      (await post(g, '/v1/webhooks/ci', { alerts: [{ id: 'a', name: 'Build broken', level: 'critical' }] })).body,
    ).toMatchObject({
      published: 1,
    });
    expect(g.journal.alertState('ci:a')).toMatchObject({ severity: 'critical', title: 'Build broken' });
  });

  it('bounds hostile expressions: endless recursion, long loops and huge padding answer 400 quickly', async () => {
    const { g } = await sourceGateway({
      webhooks: {
        recurse: { fields: { id: "'x'", title: '($f := function($n) { 1 + $f($n + 1) }; $f(0))' } },
        loop: {
          fields: { id: "'x'", title: "$reduce([1..9999999], function($a, $b) { $a + $b }) & ''" },
          timeoutMs: 50,
        },
        pad: { fields: { id: "'x'", title: "$pad('', size)" } },
      },
    });
    for (const [name, body, pattern] of [
      ['recurse', {}, /D1011|stack/i],
      ['loop', {}, /D1012|D2014|too long|sequence/i],
      ['pad', { size: 1e9 }, /\$pad width over/],
    ] as const) {
      const started = Date.now();
      const answer = await post(g, `/v1/webhooks/${name}`, body);
      expect(answer.status, name).toBe(400);
      expect(answer.body.code, name).toBe('webhook_expression_failed');
      expect(answer.body.error, name).toMatch(pattern);
      expect(Date.now() - started, name).toBeLessThan(2_000);
    }
    expect(g.journal.bounds().last).toBe(0);
  });

  it('refuses a bad expression or name when the configuration is parsed, naming the field', () => {
    const base = { tokens: ['console-token-0123456789'], journal: { path: ':memory:' } };
    expect(() =>
      parseGatewayConfig({ ...base, webhooks: { kuma: { fields: { id: 'monitor.id', title: 'monitor.(' } } } }),
    ).toThrow(/webhooks\.kuma\.fields\.title: not a valid JSONata expression/);
    expect(() =>
      parseGatewayConfig({ ...base, webhooks: { 'Bad Name': { fields: { id: 'a', title: 'b' } } } }),
    ).toThrow(/webhooks\.Bad Name/);
  });
});
