/**
 * The console's escalation operations against a started gateway and a push service on
 * loopback: "Reach me when I'm away" names the token's person, registers this browser and sends
 * a test push; an alert's ladder is shown; a gateway whose e-mail fails says so in the feed's
 * status; a plain token and a gateway without escalation are "nothing to show", not errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../gateway/gateway.js';
import type { AlertEvent } from '../../../common/protocol/alert.js';
import { browserSubscription, startPushService, type PushService } from '../../../tests/support/push-service.js';
import { freePort } from '../../../tests/support/smtp-sink.js';
import { until } from '../../../tests/support/until.js';
import { ConsoleCore } from '../console-core.js';
import { escalationFailingLine, EscalationWatch } from './escalation-watch.js';
import { gatewaysOf } from './escalation-handlers.js';
import { systemClock } from '../../../common/clock.js';

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
});

async function rig(): Promise<Gateway> {
  const port = await freePort();
  const deadSmtp = await freePort(); // nothing listens: every e-mail fails
  const gateway = await startGateway({
    listen: { host: '127.0.0.1', port },
    tokens: [PLAIN],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-esc-console-')), 'journal.sqlite') },
    people: [{ id: 'ann', name: 'Ann Example', email: 'ann@example.test', tokens: [ANN] }],
    escalation: {
      publicUrl: `http://127.0.0.1:${port}`,
      push: { subject: 'mailto:oncall@example.test', tls: { caFile: service.caFile } },
      smtp: { host: '127.0.0.1', port: deadSmtp, from: 'Tocsin <tocsin@example.test>' },
      policies: [{ name: 'now', steps: [{ after: 0, notify: ['ann'], via: ['push', 'email'] }] }],
    },
  });
  cleanups.push(() => gateway.close());
  return gateway;
}

async function consoleOf(gateway: Gateway, token: string): Promise<ConsoleCore> {
  const core = await ConsoleCore.open({
    dataDir: mkdtempSync(join(tmpdir(), 'tocsin-core-')),
    userName: 'ann',
    feeds: [{ id: 'f1', name: 'ops gateway', url: gateway.url, token }],
    escalationPollMs: 200,
  });
  cleanups.push(() => core.close());
  return core;
}

const outage = (alertId: string): AlertEvent => ({
  kind: 'fired',
  alertId,
  source: 'test',
  at: Date.now(),
  alert: {
    title: 'Checkout down',
    body: '',
    severity: 'critical',
    category: 'outage',
    labels: {},
    startsAt: Date.now(),
  },
});

describe('escalation from the console', () => {
  it('reach me when I’m away: the person, this browser registered, a test push delivered', async () => {
    const gateway = await rig();
    const core = await consoleOf(gateway, ANN);
    const [reach] = await core.handlers.reachMe({});
    expect(reach).toMatchObject({
      feedId: 'f1',
      feedName: 'ops gateway',
      me: { person: { id: 'ann', name: 'Ann Example', email: 'ann@example.test' }, push: { available: true } },
    });
    const browser = browserSubscription(`${service.origin}/push/ann-browser`);
    await core.handlers.pushSubscribe({ feedId: 'f1', subscription: browser.json, device: 'Chromium on Linux' });
    expect((await core.handlers.reachMe({}))[0]!.me!.push.subscriptions).toMatchObject([
      { device: 'Chromium on Linux', endpoint: browser.json.endpoint },
    ]);
    expect(await core.handlers.pushTest({ feedId: 'f1' })).toEqual({
      delivered: true,
      detail: 'delivered to Chromium on Linux',
    });
    await core.handlers.pushUnsubscribe({ feedId: 'f1', endpoint: browser.json.endpoint });
    expect((await core.handlers.reachMe({}))[0]!.me!.push.subscriptions).toEqual([]);
    await expect(core.handlers.pushTest({ feedId: 'nope' })).rejects.toThrow('no feed nope');
  });

  it('shows an alert’s ladder, and says in the feed status when the gateway cannot reach anyone', async () => {
    const gateway = await rig();
    const core = await consoleOf(gateway, ANN);
    await gateway.sink.publish([{ event: outage('checkout-down') }]);
    const ladder = async () => (await core.handlers.escalationLadder({ feedId: 'f1', alertId: 'checkout-down' }))!;
    await until(async () => (await ladder()).rows.every((r) => r.attempts > 0), 10_000, 'both rows tried');
    expect((await ladder()).rows).toMatchObject([
      {
        step: 0,
        person: 'Ann Example',
        channel: 'push',
        state: 'pending',
        lastError: expect.stringContaining('turned on push'),
      },
      {
        step: 0,
        person: 'Ann Example',
        channel: 'email',
        state: 'pending',
        lastError: expect.stringMatching(/ECONNREFUSED/),
      },
    ]);

    const watch = new EscalationWatch(gatewaysOf([{ id: 'f1', name: 'ops', url: gateway.url, token: ANN }]), {
      clock: systemClock,
      isLive: () => true,
      onChange: () => {},
    });
    cleanups.push(() => watch.stop());
    await watch.poll();
    // A person without push is that person's problem; e-mail failing is the gateway's: nobody can be reached.
    expect(watch.line('f1')).toMatch(/^escalation cannot reach anyone \(e-mail: .*ECONNREFUSED/);
    // The core asks the same of its gateway (here every 200 ms) and puts the line in the feed's status.
    await until(() => core.feedStatuses()[0]!.escalationFailing !== undefined, 5_000, 'the status line');
    expect(core.feedStatuses()[0]!.escalationFailing).toBe(watch.line('f1'));
  });

  it('a plain token and a gateway without escalation show nothing, and are no error', async () => {
    const gateway = await rig();
    const plain = await consoleOf(gateway, PLAIN);
    expect(await plain.handlers.escalationLadder({ feedId: 'f1', alertId: 'x' })).toBeNull();
    expect(await plain.handlers.reachMe({})).toEqual([
      { feedId: 'f1', feedName: 'ops gateway', me: null, error: 'this feed’s token belongs to no person' },
    ]);
    const bare = await startGateway({
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [PLAIN],
      journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-bare-')), 'journal.sqlite') },
    });
    cleanups.push(() => bare.close());
    const core = await consoleOf(bare, PLAIN);
    expect(await core.handlers.reachMe({})).toEqual([{ feedId: 'f1', feedName: 'ops gateway', me: null }]);
    expect(escalationFailingLine({ failing: false, channels: [] })).toBeUndefined();
  });
});
