import { createECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import ece from 'http_ece';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  browserSubscription,
  checkVapid,
  decryptAes128gcm,
  startPushService,
  type PushService,
} from '../../../tests/support/push-service.js';
import { MAX_PUSH_PAYLOAD_BYTES, pushMessage, pushTopic, retryAfterAt } from '../push/push-message.js';
import { PushStore } from '../push/push-store.js';
import { fired, openStore, PEOPLE } from '../test-support.js';
import type { Notice } from './channel.js';
import { WebPushChannel } from './web-push.js';

// RFC 8291 Appendix A: published test data, not credentials.
const RFC = {
  plaintext: 'When I grow up, I want to be a watermelon',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A' +
    '_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};
const b64 = (text: string) => Buffer.from(text, 'base64url');

describe('RFC 8291 Appendix A', () => {
  it('the test decryptor opens the RFC’s message with the RFC’s receiver key', () => {
    const receiver = createECDH('prime256v1');
    receiver.setPrivateKey(b64(RFC.uaPrivate));
    expect(receiver.getPublicKey().toString('base64url')).toBe(RFC.uaPublic);
    expect(decryptAes128gcm(b64(RFC.body), receiver, b64(RFC.auth)).toString()).toBe(RFC.plaintext);
  });

  it('http_ece, which web-push encrypts with, reproduces the RFC’s message byte for byte', () => {
    const sender = createECDH('prime256v1');
    sender.setPrivateKey(b64(RFC.asPrivate));
    const body = ece.encrypt(Buffer.from(RFC.plaintext), {
      version: 'aes128gcm',
      privateKey: sender,
      dh: RFC.uaPublic,
      authSecret: RFC.auth,
      salt: RFC.salt,
      rs: 4096,
    });
    expect(body.toString('base64url')).toBe(RFC.body);
  });
});

describe('push message', () => {
  const ann = PEOPLE[0]!;
  const notice = (body: string): Notice => ({
    person: ann,
    fired: fired('db-1-down', 0, { body, host: 'db-1' }),
    consoleUrl: 'https://t.example.test/console#/alert/db-1-down',
    ackUrl: 'https://t.example.test/v1/ack?t=x',
  });

  it('keeps every payload under the size push services accept, shortening only the body', () => {
    const long = pushMessage(notice('é'.repeat(10_000)));
    expect(Buffer.byteLength(JSON.stringify(long))).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD_BYTES);
    expect(long.body.endsWith('…')).toBe(true);
    expect(long.ackUrl).toBe('https://t.example.test/v1/ack?t=x');
    expect(pushMessage(notice('disk full')).body).toBe('db-1\ndisk full');
  });

  it('gives every push about one alert the same Topic, in RFC 8030’s alphabet and length', () => {
    expect(pushTopic('db-1-down')).toBe(pushTopic('db-1-down'));
    expect(pushTopic('db-1-down')).not.toBe(pushTopic('db-2-down'));
    expect(pushTopic('x'.repeat(256))).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('reads Retry-After as seconds or a date, and waits a minute when it says nothing usable', () => {
    expect(retryAfterAt('120', 1_000)).toBe(121_000);
    expect(retryAfterAt(new Date(500_000).toUTCString(), 1_000)).toBe(500_000);
    expect(retryAfterAt(undefined, 1_000)).toBe(61_000);
    expect(retryAfterAt('soon', 1_000)).toBe(61_000);
  });
});

describe('Web Push channel against a push service on loopback', () => {
  let service: PushService;
  let store: PushStore;
  let now = Date.now();
  const ann = PEOPLE[0]!;
  beforeAll(async () => {
    service = await startPushService();
  });
  afterAll(() => service.close());
  beforeEach(() => {
    store = new PushStore(openStore().db);
    service.received.length = 0;
    service.answer = () => ({ status: 201 });
    now = Date.now();
  });
  const channel = (timeoutMs = 5_000) =>
    new WebPushChannel(store, {
      vapid: store.vapidKeys(),
      subject: 'mailto:oncall@example.test',
      ttlSeconds: 3600,
      timeoutMs,
      now: () => now,
      agent: new Agent({ ca: readFileSync(service.caFile) }),
    });
  const subscribe = (path: string, device: string) => {
    const browser = browserSubscription(`${service.origin}${path}`);
    store.save({
      endpoint: browser.json.endpoint,
      person: 'ann',
      device,
      p256dh: browser.json.keys.p256dh,
      auth: browser.json.keys.auth,
      createdAt: now,
    });
    return browser;
  };
  const notice: Notice = {
    person: ann,
    fired: fired('db-1-down', 0, { title: 'Database down', host: 'db-1' }),
    consoleUrl: 'https://t.example.test/console#/alert/db-1-down',
    ackUrl: 'https://t.example.test/v1/ack?t=token',
  };

  it('delivers a signed, encrypted push that the browser’s keys open', async () => {
    const laptop = subscribe('/push/laptop', 'laptop');
    expect(await channel().send(notice)).toEqual({ ok: true, value: 'delivered to laptop' });
    const [push] = service.received;
    expect(push!.path).toBe('/push/laptop');
    expect(push!.headers).toMatchObject({
      'content-encoding': 'aes128gcm',
      ttl: '3600',
      urgency: 'high',
      topic: pushTopic('db-1-down'),
    });
    const vapid = checkVapid(push!.headers.authorization as string, service.origin, Date.now());
    expect(vapid).toMatchObject({
      ok: true,
      subject: 'mailto:oncall@example.test',
      publicKey: store.vapidKeys().publicKey,
    });
    const message = JSON.parse(decryptAes128gcm(push!.body, laptop.ecdh, laptop.auth).toString());
    expect(message).toMatchObject({
      v: 1,
      alertId: 'db-1-down',
      title: '[CRITICAL security] Database down on db-1',
      consoleUrl: notice.consoleUrl,
      ackUrl: notice.ackUrl,
    });
  });

  it('forgets a subscription its push service says is gone (410), and still reaches the others', async () => {
    subscribe('/push/old-phone', 'old phone');
    subscribe('/push/laptop', 'laptop');
    service.answer = (push) => ({ status: push.path.endsWith('old-phone') ? 410 : 201 });
    const sent = await channel().send(notice);
    expect(sent).toEqual({
      ok: true,
      value: 'delivered to laptop (not to old phone: 410: the subscription is gone, forgotten)',
    });
    expect(store.forPerson('ann').map((s) => s.device)).toEqual(['laptop']);
  });

  it('honours a 429’s Retry-After: nothing is sent to that endpoint until then', async () => {
    subscribe('/push/laptop', 'laptop');
    service.answer = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const first = await channel().send(notice);
    expect(first).toMatchObject({
      ok: false,
      message: expect.stringContaining('429: push service asked to wait until'),
    });
    expect(store.forPerson('ann')[0]!.waitUntil).toBe(now + 120_000);
    service.answer = () => ({ status: 201 });
    expect(await channel().send(notice)).toMatchObject({ ok: false });
    expect(service.received).toHaveLength(1); // held, not sent
    now += 121_000;
    expect(await channel().send(notice)).toEqual({ ok: true, value: 'delivered to laptop' });
  });

  it('fails an attempt whose push service never answers, after the timeout', async () => {
    subscribe('/push/laptop', 'laptop');
    service.answer = () => 'never';
    const started = Date.now();
    const sent = await channel(300).send(notice);
    expect(sent).toMatchObject({ ok: false, message: expect.stringMatching(/laptop: .*timeout/i) });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('says plainly when the person has no subscription at all', async () => {
    expect(await channel().send(notice)).toMatchObject({
      ok: false,
      message: "no browser or device has turned on push (Settings → Reach me when I'm away)",
    });
  });
});
