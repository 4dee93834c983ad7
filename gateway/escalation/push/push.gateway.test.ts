/**
 * Web Push in a started gateway, against a push service on loopback: a console registers its
 * browser with its person's token, a test push arrives, a critical alert nobody watches is pushed
 * to Ann, the push's Acknowledge link acknowledges it as Ann, and the VAPID key survives restarts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSubscription,
  checkVapid,
  decryptAes128gcm,
  startPushService,
  type PushService,
} from '../../../tests/support/push-service.js';
import { freePort } from '../../../tests/support/smtp-sink.js';
import { until } from '../../../tests/support/until.js';
import { startGateway, type Gateway } from '../../gateway.js';
import { fired } from '../test-support.js';

const PLAIN = 'plain-console-token-0123456789';
const ANN = 'ann-laptop-token-0123456789';
let service: PushService;
beforeAll(async () => {
  service = await startPushService();
});
afterAll(() => service.close());
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  service.received.length = 0;
});

async function gatewayOn(journalPath: string): Promise<Gateway> {
  const port = await freePort();
  const gateway = await startGateway({
    listen: { host: '127.0.0.1', port },
    tokens: [PLAIN],
    journal: { path: journalPath },
    people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
    escalation: {
      publicUrl: `http://127.0.0.1:${port}`,
      consoleUrl: 'https://console.example.test/',
      push: { subject: 'mailto:oncall@example.test', tls: { caFile: service.caFile } },
      policies: [{ name: 'now', steps: [{ after: 0, notify: ['ann'], via: ['push'] }] }],
    },
  });
  cleanups.push(() => gateway.close());
  return gateway;
}

const journalPath = () => join(mkdtempSync(join(tmpdir(), 'tocsin-push-gw-')), 'journal.sqlite');
const http = (gateway: Gateway, path: string, init: RequestInit = {}, token?: string) =>
  fetch(`http://127.0.0.1:${gateway.port}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

const intrusion = (alertId: string) => fired(alertId, Date.now(), { host: 'bastion-1' });

describe('Web Push in a started gateway', () => {
  it('registers a browser for the person behind the token, and refuses anyone else or anything malformed', async () => {
    const gateway = await gatewayOn(journalPath());
    const browser = browserSubscription(`${service.origin}/push/ann-laptop`);
    const register = (token: string | undefined, body: unknown) =>
      http(gateway, '/v1/push/subscriptions', { method: 'POST', body: JSON.stringify(body) }, token);

    expect((await register(undefined, { subscription: browser.json, device: 'laptop' })).status).toBe(401);
    expect((await register(PLAIN, { subscription: browser.json, device: 'laptop' })).status).toBe(401);
    const insecure = await register(ANN, {
      subscription: { ...browser.json, endpoint: 'http://127.0.0.1:1/push' },
      device: 'laptop',
    });
    expect(insecure.status).toBe(400);
    expect(await insecure.json()).toMatchObject({
      code: 'invalid_subscription',
      error: expect.stringMatching(/^body\.subscription\.endpoint: /),
    });
    expect(gateway.escalation!.push.forPerson('ann')).toEqual([]);

    const created = await register(ANN, { subscription: browser.json, device: 'laptop' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ person: 'ann', device: 'laptop' });
    expect(gateway.escalation!.push.forPerson('ann').map((s) => s.device)).toEqual(['laptop']);
    expect(gateway.escalation!.pushStats).toMatchObject({ subscribed: 1, refused: 3 });

    const test = await http(gateway, '/v1/push/test', { method: 'POST' }, ANN);
    expect(await test.json()).toEqual({ delivered: true, detail: 'delivered to laptop' });
    const shown = JSON.parse(decryptAes128gcm(service.received[0]!.body, browser.ecdh, browser.auth).toString());
    expect(shown).toMatchObject({ title: '[INFO other] Test push from Tocsin', ackUrl: '' });

    const remove = (token: string) =>
      http(
        gateway,
        '/v1/push/subscriptions',
        { method: 'DELETE', body: JSON.stringify({ endpoint: browser.json.endpoint }) },
        token,
      );
    expect(await (await remove(ANN)).json()).toEqual({ removed: true });
    expect(await (await remove(ANN)).json()).toEqual({ removed: false });
  });

  it('pushes a critical alert to Ann at once; its Acknowledge link acknowledges it as Ann', async () => {
    const gateway = await gatewayOn(journalPath());
    const browser = browserSubscription(`${service.origin}/push/ann-phone`);
    await http(
      gateway,
      '/v1/push/subscriptions',
      { method: 'POST', body: JSON.stringify({ subscription: browser.json, device: 'phone' }) },
      ANN,
    );
    await gateway.sink.publish([{ event: intrusion('intrusion-1') }]);
    await until(() => service.received.length === 1, 10_000, 'the push');
    const push = service.received[0]!;
    const { publicKey } = (await (await http(gateway, '/v1/push/key')).json()) as { publicKey: string };
    expect(checkVapid(push.headers.authorization as string, service.origin, Date.now())).toMatchObject({
      ok: true,
      publicKey,
    });
    const message = JSON.parse(decryptAes128gcm(push.body, browser.ecdh, browser.auth).toString()) as {
      ackUrl: string;
      consoleUrl: string;
      tag: string;
    };
    expect(message.consoleUrl).toBe('https://console.example.test#/alert/intrusion-1');

    // What the service worker's Acknowledge action does: POST the link.
    expect((await fetch(message.ackUrl, { method: 'POST' })).status).toBe(200);
    expect(gateway.journal.alertState('intrusion-1')?.acknowledged).toMatchObject({ by: 'Ann Example' });
    // Ann's phone is told: the same tag and Topic, a quiet "acknowledged" in place of the alarm.
    await until(() => service.received.length === 2, 10_000, 'the settling push');
    const settled = service.received[1]!;
    expect(settled.headers).toMatchObject({ topic: push.headers.topic, urgency: 'normal' });
    expect(JSON.parse(decryptAes128gcm(settled.body, browser.ecdh, browser.auth).toString())).toMatchObject({
      title: 'Acknowledged by Ann Example: Privilege escalation',
      settled: true,
      ackUrl: '',
      tag: message.tag,
    });
    const timeline = gateway.journal
      .readAfter(0, 100)
      .map((f) => JSON.parse(f.frame) as { event: { kind: string; comment?: string } })
      .filter((f) => f.event.kind === 'commented')
      .map((f) => f.event.comment);
    expect(timeline).toContain('escalated to Ann Example by Web Push: delivered to phone');

    // What Ann's console shows: the ladder, who she is to the gateway, and whether it reaches anyone.
    const get = async (path: string, token: string) => {
      const response = await http(gateway, path, {}, token);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect((await get('/v1/escalation/ladder?alert=intrusion-1', PLAIN)).status).toBe(401);
    expect((await get('/v1/escalation/ladder?alert=intrusion-1', ANN)).body).toMatchObject({
      alertId: 'intrusion-1',
      rows: [{ step: 0, person: 'Ann Example', channel: 'push', state: 'sent', attempts: 1, lastError: null }],
    });
    expect((await get('/v1/escalation/me', ANN)).body).toMatchObject({
      person: { id: 'ann', name: 'Ann Example', email: null },
      push: { available: true, publicKey, subscriptions: [{ device: 'phone' }] },
    });
    expect((await get('/v1/escalation/health', ANN)).body).toMatchObject({
      failing: false,
      channels: expect.arrayContaining([expect.objectContaining({ channel: 'push', failing: false })]),
    });
  });

  it('names the field when the push services’ CA file cannot be read', async () => {
    await expect(
      startGateway({
        listen: { host: '127.0.0.1', port: 0 },
        tokens: [PLAIN],
        journal: { path: journalPath() },
        people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
        escalation: {
          publicUrl: 'https://tocsin.example.test',
          push: { tls: { caFile: '/nonexistent/ca.pem' } },
          policies: [{ name: 'now', steps: [{ after: 0, notify: ['ann'], via: ['push'] }] }],
        },
      }),
    ).rejects.toThrow(/escalation\.push\.tls\.caFile: cannot read \/nonexistent\/ca\.pem: .*ENOENT/);
  });

  it('keeps its VAPID key across restarts, so browsers’ subscriptions stay valid', async () => {
    const path = journalPath();
    const first = await gatewayOn(path);
    const key = ((await (await http(first, '/v1/push/key')).json()) as { publicKey: string }).publicKey;
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);
    await cleanups.pop()!();
    const second = await gatewayOn(path);
    expect(((await (await http(second, '/v1/push/key')).json()) as { publicKey: string }).publicKey).toBe(key);
  });
});
