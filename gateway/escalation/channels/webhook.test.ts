import { pushTopic } from '../push/push-message.js';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fired } from '../test-support.js';
import type { Notice } from './channel.js';
import { verifyWebhookSignature, WebhookChannel } from './webhook.js';

type Received = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };
const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A local receiver that records requests and answers `status` (or never, when `hang`). */
async function receiver(status = 204, hang = false) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body });
      if (!hang) response.writeHead(status).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const notice = (webhooks: NonNullable<Notice['person']['webhooks']>): Notice => ({
  person: { id: 'ann', name: 'Ann', webhooks },
  fired: fired('a1', 1_700_000_000_000),
  consoleUrl: 'https://t.example.test/console#/alert/a1',
  ackUrl: 'https://t.example.test/v1/ack?t=tok.sig',
});

describe('the webhook channel', () => {
  it('POSTs signed JSON: timestamp and HMAC over timestamp.body, refused once older than 5 minutes', async () => {
    const hook = await receiver();
    const now = 1_700_000_123_456;
    const channel = new WebhookChannel({ now: () => now });
    expect(await channel.send(notice([{ url: `${hook.url}/tocsin`, secret: 's3cret' }]))).toEqual({
      ok: true,
      value: 'delivered',
    });
    const [request] = hook.received;
    expect(request).toMatchObject({ method: 'POST', url: '/tocsin' });
    expect(request!.headers['content-type']).toBe('application/json');
    const timestamp = request!.headers['x-tocsin-timestamp'] as string;
    expect(timestamp).toBe('1700000123');
    const signature = request!.headers['x-tocsin-signature'] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s3cret', timestamp, request!.body, signature, now)).toBe(true);
    expect(verifyWebhookSignature('wrong', timestamp, request!.body, signature, now)).toBe(false);
    expect(verifyWebhookSignature('s3cret', timestamp, `${request!.body} `, signature, now)).toBe(false);
    expect(verifyWebhookSignature('s3cret', timestamp, request!.body, signature, now + 5 * 60_000 + 1_000)).toBe(false);
    expect(JSON.parse(request!.body)).toMatchObject({
      type: 'tocsin.escalation',
      alertId: 'a1',
      person: { id: 'ann', name: 'Ann' },
      title: '[CRITICAL security] Privilege escalation on db-1',
      runbookUrl: 'https://runbooks.example.test/priv',
      consoleUrl: 'https://t.example.test/console#/alert/a1',
      ackUrl: 'https://t.example.test/v1/ack?t=tok.sig',
    });
  });

  it('speaks ntfy: topic from the path, priority 5 for critical, the click URL and an Acknowledge button', async () => {
    const ntfy = await receiver(200);
    const channel = new WebhookChannel({ now: () => 0 });
    const sent = await channel.send(notice([{ url: `${ntfy.url}/ops-pager`, secret: 'tk_token', flavour: 'ntfy' }]));
    expect(sent.ok).toBe(true);
    const [request] = ntfy.received;
    expect(request).toMatchObject({ method: 'POST', url: '/' });
    expect(request!.headers.authorization).toBe('Bearer tk_token');
    expect(JSON.parse(request!.body)).toEqual({
      topic: 'ops-pager',
      title: '[CRITICAL security] Privilege escalation on db-1',
      message: 'sudo by an unknown key\nteam=ops',
      priority: 5,
      tags: ['rotating_light', 'security'],
      click: 'https://t.example.test/console#/alert/a1',
      actions: [
        {
          action: 'http',
          label: 'Acknowledge',
          url: 'https://t.example.test/v1/ack?t=tok.sig',
          method: 'POST',
          clear: true,
        },
      ],
      sequence_id: pushTopic('a1'),
    });
    expect(pushTopic('a1')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('replaces the ntfy notification (same sequence id, quiet) and tells a JSON receiver, once the alert settles', async () => {
    const ntfy = await receiver(200);
    const json = await receiver(204);
    const channel = new WebhookChannel({ now: () => 1_700_000_000_000 });
    const settled = await channel.settle(
      notice([
        { url: `${ntfy.url}/ops-pager`, flavour: 'ntfy' },
        { url: json.url, secret: 'hook-secret' },
      ]),
      { how: 'acknowledged', by: 'Bob' },
    );
    expect(settled).toEqual({ ok: true, value: 'settled' });
    expect(JSON.parse(ntfy.received[0]!.body)).toEqual({
      topic: 'ops-pager',
      title: 'Acknowledged by Bob: Privilege escalation',
      message: '[CRITICAL security] Privilege escalation on db-1 needs nobody now.',
      priority: 1,
      tags: ['white_check_mark'],
      click: 'https://t.example.test/console#/alert/a1',
      sequence_id: pushTopic('a1'),
    });
    const request = json.received[0]!;
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'tocsin.escalation.settled',
      how: 'acknowledged',
      by: 'Bob',
    });
    expect(
      verifyWebhookSignature(
        'hook-secret',
        request.headers['x-tocsin-timestamp'] as string,
        request.body,
        request.headers['x-tocsin-signature'] as string,
        1_700_000_000_000,
      ),
    ).toBe(true);
  });

  it('fails on an error status, a refused connection or a timeout; one accepting webhook is enough', async () => {
    const down = await receiver(503);
    const slow = await receiver(200, true);
    const up = await receiver(204);
    const channel = new WebhookChannel({ now: () => 0, timeoutMs: 200 });
    const failed = await channel.send(notice([{ url: down.url }, { url: slow.url }]));
    expect(failed).toMatchObject({ ok: false, message: expect.stringMatching(/HTTP 503; .*(timeout|aborted)/i) });
    const partly = await channel.send(notice([{ url: down.url }, { url: up.url }]));
    expect(partly).toMatchObject({
      ok: true,
      value: expect.stringMatching(/^delivered \(1 of 2 failed: .*HTTP 503\)$/),
    });
    expect(await channel.send(notice([]))).toMatchObject({ ok: false, code: 'no_webhook' });
  });
});
