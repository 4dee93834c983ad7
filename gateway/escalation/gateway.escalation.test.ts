/**
 * Escalation in a started gateway, against a real SMTP server: a critical alert nobody watches
 * reaches the on-call team by e-mail at once; the mail's Acknowledge link acknowledges it as that
 * person, every console sees it, the ladder's steps are on the alert's timeline, and a watched
 * console holds the e-mail back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { SUBPROTOCOL } from '../../common/protocol/frames.js';
import { decoded, freePort, header, mails, startSmtp } from '../../tests/support/smtp-sink.js';
import { until } from '../../tests/support/until.js';
import { startGateway, type Gateway } from '../gateway.js';

const PLAIN = 'plain-console-token-0123456789';
const ANN = 'ann-laptop-token-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const intrusion = (alertId: string): AlertEvent => ({
  kind: 'fired',
  alertId,
  source: 'test',
  at: Date.now(),
  alert: {
    title: 'Privilege escalation',
    body: 'sudo by an unknown key',
    severity: 'critical',
    category: 'security',
    host: 'bastion-1',
    labels: { team: 'ops' },
    startsAt: Date.now(),
  },
});

async function rig(): Promise<{ gateway: Gateway; maildir: string }> {
  const maildir = mkdtempSync(join(tmpdir(), 'tocsin-maildir-'));
  const smtpPort = await freePort();
  const smtp = await startSmtp(smtpPort, maildir);
  cleanups.push(() => smtp.stop());
  const port = await freePort();
  const gateway = await startGateway({
    listen: { host: '127.0.0.1', port },
    tokens: [PLAIN],
    journal: { path: join(mkdtempSync(join(tmpdir(), 'tocsin-esc-gw-')), 'journal.sqlite') },
    people: [{ id: 'ann', name: 'Ann Example', email: 'ann@example.test', tokens: [ANN] }],
    teams: [{ id: 'ops', name: 'Operations', members: ['ann'] }],
    escalation: {
      publicUrl: `http://127.0.0.1:${port}`,
      push: { subject: 'mailto:oncall@example.test' },
      smtp: { host: '127.0.0.1', port: smtpPort, from: 'Tocsin <tocsin@example.test>' },
      policies: [{ name: 'ops-critical', team: 'ops' }],
    },
  });
  cleanups.push(() => gateway.close());
  return { gateway, maildir };
}

/** A console with a token; resolves once it is live. */
async function consoleWith(gateway: Gateway, token: string) {
  const ws = new WebSocket(gateway.url, SUBPROTOCOL, { headers: { authorization: `Bearer ${token}` } });
  const frames: Array<{ type: string; event?: { kind: string; by?: string; alertId: string } }> = [];
  ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as (typeof frames)[number]));
  await new Promise((resolve) => ws.once('open', resolve));
  ws.send(JSON.stringify({ type: 'hello', v: 1, client: { name: 't', version: '0' }, resume: {} }));
  await until(() => frames.some((f) => f.type === 'live'), 5_000, 'live');
  cleanups.push(() => ws.close());
  return { ws, frames };
}

const comments = (gateway: Gateway, alertId: string) =>
  gateway.journal
    .readAfter(0, 1_000)
    .map((f) => JSON.parse(f.frame) as { event: { kind: string; alertId: string; by?: string; comment?: string } })
    .filter((f) => f.event.kind === 'commented' && f.event.alertId === alertId && f.event.by === 'escalation')
    .map((f) => f.event.comment);

describe('escalation in a started gateway', () => {
  it('mails the team at once when nobody watches; the link acknowledges as that person, and every console sees it', async () => {
    const { gateway, maildir } = await rig();
    const watcher = await consoleWith(gateway, PLAIN); // a plain console is no person's presence
    await gateway.sink.publish([{ event: intrusion('intrusion-1') }]);
    await until(
      () => mails(maildir).length === 1,
      10_000,
      () =>
        `the escalation mail; timeline ${JSON.stringify(gateway.journal.readAfter(0, 100).map((f) => f.frame))}; stats ${JSON.stringify(gateway.escalation?.escalator.stats)}`,
    );
    const mail = decoded(mails(maildir)[0]!);
    expect(header(mail, 'Subject')).toBe('[CRITICAL security] Privilege escalation on bastion-1');
    expect(header(mail, 'X-RcptTo')).toBe('ann@example.test');
    await until(() => comments(gateway, 'intrusion-1').length > 1, 5_000, 'both rows of the step on the timeline');
    // Ann has no browser subscribed to push: that row says so (and is retried), the e-mail went.
    expect(comments(gateway, 'intrusion-1')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^escalated to Ann Example by e-mail: delivered/),
        "escalated to Ann Example by Web Push failed: no browser or device has turned on push (Settings → Reach me when I'm away), retrying",
      ]),
    );

    const ackUrl = mail.match(/^Acknowledge: (\S+)$/m)![1]!;
    expect((await fetch(ackUrl)).status).toBe(200); // a GET acts on nothing
    expect(gateway.journal.alertState('intrusion-1')?.acknowledged).toBeNull();
    expect((await fetch(ackUrl, { method: 'POST' })).status).toBe(200);
    expect(gateway.journal.alertState('intrusion-1')?.acknowledged).toMatchObject({ by: 'Ann Example' });
    await until(
      () => watcher.frames.some((f) => f.event?.kind === 'acknowledged' && f.event.alertId === 'intrusion-1'),
      5_000,
      'the acknowledgement on a console',
    );
    expect((await fetch(ackUrl, { method: 'POST' })).status).toBe(409); // single use
  });

  it('holds the e-mail back while Ann watches a console', async () => {
    const { gateway, maildir } = await rig();
    const ann = await consoleWith(gateway, ANN);
    ann.ws.send(JSON.stringify({ type: 'presence', state: 'watched' }));
    await until(() => gateway.presence.isWatched('ann'), 5_000, 'ann watched');
    await gateway.sink.publish([{ event: intrusion('intrusion-2') }]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(mails(maildir)).toEqual([]); // the first step waits five minutes while someone watches
  });
});
