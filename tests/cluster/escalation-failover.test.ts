/**
 * Escalation in a cluster: three gateway processes on one JetStream stream (three NATS nodes),
 * e-mail through a real SMTP server (aiosmtpd). An alert posted to a follower escalates from the
 * leader; the leader is SIGKILLed mid-ladder and another gateway carries the ladder on within
 * its lease: every step mailed at most once (a step cut off mid-send is `unknown`, never
 * resent), none lost. An acknowledge link signed by one gateway works on another, once (the
 * nonce is shared), and stops the ladder everywhere. A person watching a console on a follower
 * is not paged by the leader for a step that only pages the away.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNats, type NatsCluster } from '../support/nats.js';
import type { Started } from '../support/processes.js';
import { decoded, freePort, header, mails, startSmtp } from '../support/smtp-sink.js';
import { FeedProbe } from '../support/real-monitoring.js';
import { until } from '../support/until.js';
import { postEvents, startGatewayProcess, writeClusterGatewayConfig, type ClusterGateway } from './cluster-fixture.js';

const STEPS = 8;
const STEP_MS = 700;
const LEASE_MS = 3_000;
const people = Array.from({ length: STEPS }, (_, s) => ({
  id: `p${s}`,
  name: `Person ${s}`,
  email: `step${s}@example.test`,
  tokens: [`person-${s}-device-token-0123456789`],
}));

let dir: string;
let maildir: string;
let nats: NatsCluster;
let smtp: Started;
const gateways: ClusterGateway[] = [];
const url = (i: number) => `http://127.0.0.1:${gateways[i]!.port}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tocsin-esc-cluster-'));
  maildir = join(dir, 'mail');
  const smtpPort = await freePort();
  smtp = await startSmtp(smtpPort, maildir);
  nats = await startNats(3);
  for (let i = 0; i < 3; i++)
    gateways.push({ port: await freePort(), config: join(dir, `g${i + 1}.json`), process: null });
  gateways.forEach((gateway, i) =>
    writeClusterGatewayConfig(
      gateway,
      i,
      { servers: nats.servers, stream: 'ESC', leaseTtlMs: LEASE_MS },
      {
        people,
        escalation: {
          // Links point at gateway 2; the secret is not configured: the cluster shares the first one made.
          publicUrl: url(1),
          smtp: { host: '127.0.0.1', port: smtpPort, from: 'Tocsin <tocsin@example.test>' },
          policies: [
            {
              // Person 0 only when away: watching a console on any gateway holds the step back.
              name: 'web',
              match: { labels: { team: 'web' } },
              steps: [
                { after: 0, notify: ['p0'], via: ['email'], onlyWhenAway: true },
                { after: 0, notify: ['p1'], via: ['email'] },
              ],
            },
            {
              name: 'ladder',
              steps: people.map((p, s) => ({ after: s * STEP_MS, notify: [p.id], via: ['email'] })),
            },
          ],
        },
      },
    ),
  );
  // The first to start leads.
  for (const gateway of gateways) await startGatewayProcess(gateway);
}, 180_000);

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.process?.stop()));
  await smtp?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type LadderRow = { step: number; person: string; state: string; attempts: number };
async function ladder(i: number, alertId: string): Promise<LadderRow[]> {
  const response = await fetch(`${url(i)}/v1/escalation/ladder?alert=${encodeURIComponent(alertId)}`, {
    headers: { authorization: `Bearer ${people[0]!.tokens[0]}` },
  });
  if (!response.ok) throw new Error(`ladder on gateway ${i + 1}: HTTP ${response.status}`);
  return ((await response.json()) as { rows: LadderRow[] }).rows;
}

const mailsAbout = (title: string) => mails(maildir).filter((mail) => header(mail, 'Subject')?.includes(title));
const fire = (i: number, alertId: string, title: string) =>
  postEvents(url(i), [{ kind: 'fired', alertId, alert: { title, severity: 'critical', category: 'outage' } }]);

describe('escalation in a cluster', () => {
  it('carries a ladder on from another gateway when the leader dies mid-ladder, each step at most once', async () => {
    await fire(2, 'db-down', 'Database down');
    await until(() => mailsAbout('Database down').length >= 3, 15_000, 'the first steps mailed by the leader');
    const child = gateways[0]!.process!.child;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const killed = Date.now();
    const before = mailsAbout('Database down').length;
    await until(
      async () => (await ladder(1, 'db-down')).every((row) => row.state === 'sent' || row.state === 'unknown'),
      LEASE_MS + STEPS * STEP_MS + 15_000,
      async () => `every step settled: ${JSON.stringify(await ladder(1, 'db-down'))}`,
    );
    const rows = await ladder(2, 'db-down');
    const mailed = new Map<string, number>();
    for (const mail of mailsAbout('Database down'))
      mailed.set(header(mail, 'X-RcptTo')!, (mailed.get(header(mail, 'X-RcptTo')!) ?? 0) + 1);
    console.log(
      `escalation failover: ${before} of ${STEPS} steps mailed before the SIGKILL, the rest ${Date.now() - killed} ms after it at most; rows ${rows.map((r) => r.state).join(', ')}`,
    );
    expect(
      [...mailed.values()].filter((n) => n > 1),
      'nothing mailed twice',
    ).toEqual([]);
    for (const row of rows) {
      const to = `step${row.step}@example.test`;
      if (row.state === 'sent') expect(mailed.get(to), to).toBe(1);
      else expect(row.state, to).toBe('unknown');
    }
    expect(rows.filter((row) => row.state === 'unknown').length).toBeLessThanOrEqual(1);
    expect(rows).toHaveLength(STEPS);
  }, 90_000);

  it('takes an acknowledge link signed by one gateway on another, once, and stops the ladder everywhere', async () => {
    await fire(1, 'disk-full', 'Disk full');
    await until(() => mailsAbout('Disk full').length >= 1, 15_000, 'the first step mailed');
    const link = decoded(mailsAbout('Disk full')[0]!).match(/Acknowledge: (\S+)/)![1]!;
    expect(link.startsWith(url(1))).toBe(true);
    // Posted to gateway 3, though gateway 2 is in the link.
    const onThird = link.replace(url(1), url(2));
    expect((await fetch(onThird, { method: 'POST' })).status).toBe(200);
    expect((await fetch(link, { method: 'POST' })).status, 'the same link again, on gateway 2').toBe(409);
    const acked = mailsAbout('Disk full').length;
    await new Promise((resolve) => setTimeout(resolve, 3 * STEP_MS));
    expect(mailsAbout('Disk full').length, 'no step after the acknowledgement').toBeLessThanOrEqual(acked + 1);
    const rows = await ladder(1, 'disk-full');
    expect(rows.filter((row) => row.state === 'cancelled').length).toBeGreaterThan(0);
  }, 60_000);

  it('holds back a step for a person watching a console on another gateway than the leader', async () => {
    const leader = await leaderIndex();
    const follower = [0, 1, 2].find((i) => i !== leader && alive(i))!;
    const console0 = await FeedProbe.open(`ws://127.0.0.1:${gateways[follower]!.port}/v1/feed`, people[0]!.tokens[0]!);
    try {
      console0.send({ type: 'presence', state: 'watched' });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await postEvents(url(follower), [
        {
          kind: 'fired',
          alertId: 'web-slow',
          alert: { title: 'Web slow', severity: 'critical', category: 'outage', labels: { team: 'web' } },
        },
      ]);
      await until(() => mailsAbout('Web slow').length >= 1, 15_000, 'person 1 mailed');
      await until(
        async () => (await ladder(leader, 'web-slow')).every((row) => row.state !== 'pending'),
        10_000,
        'both steps decided',
      );
      const rows = await ladder(leader, 'web-slow');
      expect(rows.map((row) => `${row.person} ${row.state}`)).toEqual(['Person 0 skipped', 'Person 1 sent']);
      expect(mailsAbout('Web slow').map((mail) => header(mail, 'X-RcptTo'))).toEqual(['step1@example.test']);
    } finally {
      await console0.close();
    }
  }, 60_000);

  it('pages each step at most once while the leader is SIGKILLed again and again', async () => {
    if (!alive(0)) await startGatewayProcess(gateways[0]!);
    const KILLS = 5;
    const fired: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const alertId = `storm-${kill}`;
      await fire([0, 1, 2].find(alive)!, alertId, `Storm ${kill}`);
      fired.push(alertId);
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1_500));
      const leader = await leaderIndex();
      const child = gateways[leader]!.process!.child;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await startGatewayProcess(gateways[leader]!);
    }
    const any = () => [0, 1, 2].find(alive)!;
    await until(
      async () => {
        for (const alertId of fired)
          if (!(await ladder(any(), alertId)).every((row) => row.state === 'sent' || row.state === 'unknown'))
            return false;
        return true;
      },
      LEASE_MS + STEPS * STEP_MS + 30_000,
      async () => `every step settled: ${JSON.stringify(await ladder(any(), fired.at(-1)!))}`,
    );
    const mailed = new Map<string, number>();
    for (const mail of mails(maildir).filter((m) => header(m, 'Subject')?.includes('Storm'))) {
      const key = `${header(mail, 'Subject')} → ${header(mail, 'X-RcptTo')}`;
      mailed.set(key, (mailed.get(key) ?? 0) + 1);
    }
    expect(
      [...mailed.entries()].filter(([, n]) => n > 1),
      'nothing mailed twice',
    ).toEqual([]);
    let sent = 0;
    let unknown = 0;
    for (const [k, alertId] of fired.entries())
      for (const row of await ladder(any(), alertId)) {
        const key = `[CRITICAL outage] Storm ${k} → step${row.step}@example.test`;
        if (row.state === 'sent') {
          sent++;
          expect(mailed.get(key), key).toBe(1);
        } else unknown++;
      }
    console.log(
      `escalation under leader kills: ${KILLS} SIGKILLs, ${fired.length * STEPS} steps: ${sent} sent, ${unknown} unknown (cut off mid-send), ${[...mailed.values()].length} mails`,
    );
    expect(unknown).toBeLessThanOrEqual(KILLS);
  }, 180_000);
});

/** Whether gateway `i` is running. */
function alive(i: number): boolean {
  const child = gateways[i]!.process?.child;
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

/** The gateway that leads, as its `/readyz` says (after a leader's death, once its lease ran out). */
async function leaderIndex(): Promise<number> {
  let leader = -1;
  await until(
    async () => {
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${url(i)}/readyz`).catch(() => null);
        if (response?.ok && (await response.text()).includes('; leader')) leader = i;
      }
      return leader >= 0;
    },
    LEASE_MS + 10_000,
    'a gateway that says it leads',
    200,
  );
  return leader;
}
