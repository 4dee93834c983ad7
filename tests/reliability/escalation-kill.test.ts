/**
 * Escalation across SIGKILLs: a standalone gateway with durable ladders (5 alerts × 12 steps, each
 * step mailing a different person through a real SMTP server) is SIGKILLed at random moments,
 * between steps and during sends, 20 times, and restarted on the same journal. Every step must be
 * mailed exactly once, except one cut off mid-send, which the journal marks `unknown` (it may or
 * may not have reached the SMTP server) and which is never sent again: no step mailed twice, none
 * lost, none left pending.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startProcess, type Started } from '../support/processes.js';
import { freePort, header, mails, startSmtp } from '../support/smtp-sink.js';
import { scale, until } from './soak.js';

const KILLS = scale(20, 100);
const ALERTS = 5;
const STEPS = 12;
const STEP_MS = 400;
const TOKEN = 'escalation-kill-token-0123456789';

describe('escalation across gateway SIGKILLs', () => {
  it(`mails each of ${ALERTS * STEPS} steps once across ${KILLS} SIGKILLs, never twice`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-esc-kill-'));
    const maildir = join(dir, 'mail');
    const smtpPort = await freePort();
    const smtp = await startSmtp(smtpPort, maildir);
    const port = await freePort();
    const journal = join(dir, 'journal.sqlite');
    const people = Array.from({ length: STEPS }, (_, s) => ({
      id: `p${s}`,
      name: `Person ${s}`,
      email: `step${s}@example.test`,
      tokens: [`person-${s}-token-0123456789`],
    }));
    writeFileSync(
      join(dir, 'gateway.json'),
      JSON.stringify({
        listen: { host: '127.0.0.1', port },
        tokens: [TOKEN],
        journal: { path: journal },
        people,
        escalation: {
          publicUrl: `http://127.0.0.1:${port}`,
          smtp: { host: '127.0.0.1', port: smtpPort, from: 'Tocsin <tocsin@example.test>' },
          policies: [
            {
              name: 'ladder',
              steps: people.map((p, s) => ({ after: s * STEP_MS, notify: [p.id], via: ['email'] })),
            },
          ],
        },
      }),
    );
    const start = () =>
      startProcess('node', ['dist/gateway/cli.cjs', '--config', join(dir, 'gateway.json')], /Tocsin gateway: (\S+)/);
    let gateway: Started = await start();
    try {
      const posted = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(
          Array.from({ length: ALERTS }, (_, a) => ({
            kind: 'fired',
            alertId: `a${a}`,
            alert: { title: `Alert ${a}`, severity: 'critical', category: 'outage' },
          })),
        ),
      });
      expect(posted.status).toBe(202);
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 350));
        gateway.child.kill('SIGKILL');
        await new Promise((r) => gateway.child.once('exit', r));
        gateway = await start();
      }
      const rows = () => {
        const db = new Database(journal, { readonly: true, fileMustExist: true });
        try {
          return db.prepare('SELECT alert_id, person, state FROM escalation_steps').all() as Array<{
            alert_id: string;
            person: string;
            state: string;
          }>;
        } finally {
          db.close();
        }
      };
      await until(
        () => rows().length === ALERTS * STEPS && rows().every((r) => r.state !== 'pending' && r.state !== 'sending'),
        60_000,
        () =>
          `every step settled: ${JSON.stringify(rows().filter((r) => r.state === 'pending' || r.state === 'sending'))}`,
      );
      const mailed = new Map<string, number>();
      for (const mail of mails(maildir)) {
        const key = `${header(mail, 'Subject')} → ${header(mail, 'X-RcptTo')}`;
        mailed.set(key, (mailed.get(key) ?? 0) + 1);
      }
      const settled = rows();
      const unknown = settled.filter((r) => r.state === 'unknown');
      console.log(
        `escalation kill: ${KILLS} SIGKILLs, ${settled.length} steps: ${settled.filter((r) => r.state === 'sent').length} sent, ${unknown.length} cut off mid-send (unknown), ${mails(maildir).length} mails`,
      );
      expect([...mailed.values()].filter((n) => n > 1)).toEqual([]); // nothing mailed twice
      for (const row of settled) {
        const key = `[CRITICAL outage] Alert ${row.alert_id.slice(1)} → step${row.person.slice(1)}@example.test`;
        if (row.state === 'sent') expect(mailed.get(key), key).toBe(1);
        else expect(row.state, key).toBe('unknown'); // cut off mid-send: at most once, and said so
      }
      expect(unknown.length).toBeLessThanOrEqual(KILLS);
    } finally {
      await gateway.stop();
      await smtp.stop();
    }
  }, 300_000);
});
