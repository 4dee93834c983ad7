/**
 * Escalation against real parts: a real SMTP server (aiosmtpd, writing a Maildir), the
 * acknowledge routes on a real HTTP server, and a local webhook receiver.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertEvent } from '../../common/protocol/alert.js';
import { ok } from '../../common/result.js';
import { ManualClock } from '../../tests/support/manual-clock.js';
import { decoded, freePort, header, mails, startSmtp as startSmtpSink } from '../../tests/support/smtp-sink.js';
import { until } from '../../tests/support/until.js';
import { escalationConfig, installEscalation, openEscalationDatabase, type InstalledEscalation } from './install.js';
import { directory, fired, StandInPresence } from './test-support.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSmtp(port: number, maildir: string) {
  const smtp = await startSmtpSink(port, maildir);
  cleanups.push(() => smtp.stop());
  return smtp;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** An HTTP server routing by exact method and path, as the gateway does. */
async function startRoutes(): Promise<{ url: string; addRoute: (m: string, p: string, h: Handler) => void }> {
  const routes = new Map<string, Handler>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const handler = routes.get(`${request.method} ${path}`);
    if (handler) void handler(request, response);
    else response.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    addRoute: (method, path, handler) => void routes.set(`${method} ${path}`, handler),
  };
}

async function rig(smtpPort: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-esc-real-'));
  const routes = await startRoutes();
  const db = openEscalationDatabase(join(dir, 'journal.sqlite'));
  cleanups.push(() => void db.close());
  const clock = new ManualClock(Date.now());
  const acknowledge = vi.fn(async () => ok(undefined));
  const published: AlertEvent[] = [];
  const escalation: InstalledEscalation = installEscalation(
    routes,
    escalationConfig(
      {
        publicUrl: routes.url,
        smtp: { host: '127.0.0.1', port: smtpPort, from: 'Tocsin <tocsin@example.test>' },
        policies: [{ name: 'ops', steps: [{ after: 0, notify: ['ann'], via: ['email'] }] }],
      },
      directory,
    ),
    { db, directory, presence: new StandInPresence(), acknowledge, publish: (e) => void published.push(e), clock },
  );
  cleanups.push(() => escalation.close());
  const comments = () => published.map((e) => (e.kind === 'commented' ? e.comment : e.kind));
  return { dir, routes, clock, acknowledge, escalation, comments };
}

describe('escalation by e-mail, with acknowledge links', () => {
  it('mails Ann the alert with its links; the Acknowledge link acknowledges once', async () => {
    const port = await freePort();
    const maildir = join(mkdtempSync(join(tmpdir(), 'tocsin-mail-')), 'Maildir');
    await startSmtp(port, maildir);
    const t = await rig(port);

    t.escalation.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await until(() => mails(maildir).length === 1, 10_000, 'the mail in the Maildir');
    await t.escalation.escalator.idle();
    const mail = decoded(mails(maildir)[0]!);
    expect(header(mail, 'Subject')).toBe('[CRITICAL security] Privilege escalation on db-1');
    expect(header(mail, 'X-RcptTo')).toBe('ann@example.test');
    expect(mail).toContain('sudo by an unknown key');
    expect(mail).toContain('team=ops');
    expect(mail).toContain('Runbook: https://runbooks.example.test/priv');
    expect(mail).toContain(`Open in the console: ${t.routes.url}/console#/alert/a1`);
    expect(mail).toContain('<a href="https://runbooks.example.test/priv">Runbook</a>');
    const ackUrl = mail.match(/^Acknowledge: (\S+)$/m)![1]!;
    expect(ackUrl).toMatch(new RegExp(`^${t.routes.url}/v1/ack\\?t=[\\w-]+\\.[\\w-]+$`));
    expect(t.comments()).toEqual(['escalated to Ann by e-mail: delivered']);

    // GET (what a mail scanner does) shows a page and acts on nothing.
    const page = await fetch(ackUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form method="post"[^>]*>.*Acknowledge/s);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(t.acknowledge).not.toHaveBeenCalled();

    const acked = await fetch(ackUrl, { method: 'POST' });
    expect(acked.status).toBe(200);
    expect(t.acknowledge).toHaveBeenCalledTimes(1);
    expect(t.acknowledge).toHaveBeenCalledWith('a1', 'ann');

    const reused = await fetch(ackUrl, { method: 'POST' });
    expect([reused.status, ((await reused.json()) as { code: string }).code]).toEqual([409, 'link_used']);
    // The signature's first character changed: it carries six whole bits of the HMAC.
    const at = ackUrl.lastIndexOf('.') + 1;
    const forgedUrl = `${ackUrl.slice(0, at)}${ackUrl[at] === 'A' ? 'B' : 'A'}${ackUrl.slice(at + 1)}`;
    const forged = await fetch(forgedUrl, { method: 'POST' });
    expect([forged.status, ((await forged.json()) as { code: string }).code]).toEqual([403, 'link_invalid']);
    const other = await fetch(
      `${t.routes.url}/v1/ack?t=${Buffer.from('{"a":"a1","p":"ann","e":1e15,"n":"x"}').toString('base64url')}.c2lnbmVk`,
      { method: 'POST' },
    );
    expect(other.status).toBe(403);

    const later = t.escalation.links.url(t.escalation.links.sign('a1', 'ann', t.clock.now()));
    t.clock.advance(24 * 3_600_000 + 1);
    const expired = await fetch(later, { method: 'POST' });
    expect([expired.status, ((await expired.json()) as { code: string }).code]).toEqual([410, 'link_expired']);
    expect((await fetch(later)).status).toBe(410);

    expect(t.acknowledge).toHaveBeenCalledTimes(1);
    expect(t.escalation.linkStats).toMatchObject({ acknowledged: 1, used: 1, invalid: 2, expired: 2, shown: 1 });
  });

  it('SMTP down: the failure is recorded and the send retried with backoff until it is delivered', async () => {
    const port = await freePort();
    const maildir = join(mkdtempSync(join(tmpdir(), 'tocsin-mail-')), 'Maildir');
    const t = await rig(port);
    t.escalation.onEvents([{ seq: 1, event: fired('a1', t.clock.now()) }]);
    await until(() => t.comments().length === 1, 10_000, 'the first failure');
    await t.escalation.escalator.idle();
    expect(t.comments()[0]).toMatch(/^escalated to Ann by e-mail failed: .*ECONNREFUSED.*, retrying$/);
    expect(t.escalation.store.rows('a1')[0]).toMatchObject({ state: 'pending', attempts: 1 });

    await startSmtp(port, maildir);
    t.clock.advance(29_999);
    await t.escalation.escalator.idle();
    expect(mails(maildir)).toHaveLength(0);
    t.clock.advance(1);
    await until(() => mails(maildir).length === 1, 10_000, 'the retried mail');
    await t.escalation.escalator.idle();
    expect(t.escalation.store.rows('a1')[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(t.comments()[1]).toBe('escalated to Ann by e-mail: delivered');
  });
});
