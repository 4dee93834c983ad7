/**
 * Escalation's cost, each figure against a baseline measured in the same run:
 *
 * 1. Bookkeeping for 100,000 open ladders (400,000 step rows, nothing due for an hour): the CPU
 *    the process spends over 5 s, against the same process with no ladders at all.
 * 2. Cancelling a ladder on an acknowledgement (1,000 of them, each timed): against the bare
 *    indexed UPDATE of one alert's rows in the same table.
 * 3. Sending: e-mails through the ladder (due rows claimed, rendered, sent, settled, each on the
 *    timeline) to a local SMTP server (aiosmtpd), against nodemailer sending the same messages to
 *    the same server as fast as it accepts them.
 *
 *   npx tsx bench/escalation.ts [ladders=100000] [mails=300]
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { systemClock } from '../common/clock.js';
import { ActionLinks } from '../gateway/escalation/action-links.js';
import { renderEmail, EmailChannel } from '../gateway/escalation/channels/email.js';
import type { Channel } from '../gateway/escalation/channels/channel.js';
import { parseEscalationConfig } from '../gateway/escalation/config.js';
import { Escalator, type JournaledEvent } from '../gateway/escalation/escalator.js';
import { directory, ended, fired, openStore, PEOPLE, StandInPresence } from '../gateway/escalation/test-support.js';
import { startProcess } from '../tests/support/processes.js';
import { freePort } from '../tests/support/smtp-sink.js';

const LADDERS = Number(process.argv[2] ?? 100_000);
const MAILS = Number(process.argv[3] ?? 300);
const HOUR = 3_600_000;

function escalatorOn(dir: string, steps: Array<{ after: number }>, channel: Channel) {
  const parsed = parseEscalationConfig(
    {
      publicUrl: 'https://tocsin.example.test',
      smtp: { host: '127.0.0.1', port: 25, from: 'Tocsin <tocsin@example.test>' },
      policies: [{ name: 'ops', steps: steps.map((s) => ({ ...s, notify: ['ops'], via: ['email'] })) }],
    },
    directory,
  );
  if (!parsed.ok) throw new Error(parsed.message);
  const { db, store } = openStore(join(dir, 'journal.sqlite'));
  db.pragma('journal_mode = WAL');
  let published = 0;
  const escalator = new Escalator(parsed.value.policies, {
    store,
    directory,
    presence: new StandInPresence(),
    channels: { email: channel },
    links: new ActionLinks('bench-secret-0123456789abcdef', 'https://tocsin.example.test', 24 * HOUR),
    publish: () => void published++,
    clock: systemClock,
  });
  return { db, store, escalator, published: () => published };
}

async function cpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (ms / 1000); // CPU ms per second
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

// 1. Idle bookkeeping.
let sent = 0;
const counting: Channel = { send: async () => ((sent += 1), { ok: true, value: 'counted' }) };
const idle = escalatorOn(mkdtempSync(join(tmpdir(), 'bench-esc-')), [{ after: HOUR }, { after: 2 * HOUR }], counting);
idle.escalator.start();
const baselineCpu = await cpuOver(5_000);
let seq = 0;
let t0 = performance.now();
for (let i = 0; i < LADDERS; i += 1_000) {
  const batch: JournaledEvent[] = [];
  for (let j = i; j < Math.min(LADDERS, i + 1_000); j++) batch.push({ seq: ++seq, event: fired(`a${j}`, Date.now()) });
  idle.db.transaction(() => idle.escalator.onEvents(batch))();
}
const openSeconds = (performance.now() - t0) / 1000;
const rows = (
  idle.db.prepare("SELECT COUNT(*) AS n FROM escalation_steps WHERE state = 'pending'").get() as { n: number }
).n;
if (rows !== LADDERS * 2 * PEOPLE.filter((p) => p.id === 'ann' || p.id === 'bob').length)
  throw new Error(`expected ${LADDERS * 4} pending rows, found ${rows}: the ladders were not all opened`);
const ladderCpu = await cpuOver(5_000);
if (sent !== 0) throw new Error(`${sent} sends during the idle window: something was due, the idle figure is void`);
console.log(
  `idle CPU: ${ladderCpu.toFixed(2)} ms/s with ${LADDERS} open ladders (${rows} rows; opened in ${openSeconds.toFixed(1)} s) ` +
    `vs ${baselineCpu.toFixed(2)} ms/s with none: ratio ${(ladderCpu / Math.max(baselineCpu, 0.01)).toFixed(2)}`,
);
if (ladderCpu > 50) throw new Error(`idle bookkeeping used ${ladderCpu.toFixed(1)} ms of CPU per second (over 5%)`);

// 2. Cancel on acknowledgement vs the bare indexed UPDATE.
const cancel: number[] = [];
for (let k = 0; k < 1_000; k++) {
  const alertId = `a${k * Math.floor(LADDERS / 1_000)}`;
  t0 = performance.now();
  idle.escalator.onEvents([{ seq: ++seq, event: ended('acknowledged', alertId, Date.now()) }]);
  cancel.push(performance.now() - t0);
}
const cancelled = (
  idle.db.prepare("SELECT COUNT(*) AS n FROM escalation_steps WHERE state = 'cancelled'").get() as { n: number }
).n;
if (cancelled !== 4_000) throw new Error(`expected 4,000 cancelled rows after 1,000 acks, found ${cancelled}`);
const bare: number[] = [];
const update = idle.db.prepare(
  "UPDATE escalation_steps SET state = 'cancelled' WHERE alert_id = ? AND state = 'pending'",
);
for (let k = 0; k < 1_000; k++) {
  const alertId = `a${k * Math.floor(LADDERS / 1_000) + 1}`;
  t0 = performance.now();
  if (update.run(alertId).changes !== 4) throw new Error(`the bare update found no rows for ${alertId}`);
  bare.push(performance.now() - t0);
}
for (const list of [cancel, bare]) list.sort((a, b) => a - b);
console.log(
  `cancel on ack: p50 ${percentile(cancel, 0.5).toFixed(3)} ms, p99 ${percentile(cancel, 0.99).toFixed(3)} ms ` +
    `vs bare indexed UPDATE p50 ${percentile(bare, 0.5).toFixed(3)} ms, p99 ${percentile(bare, 0.99).toFixed(3)} ms: ` +
    `ratio ${(percentile(cancel, 0.5) / percentile(bare, 0.5)).toFixed(1)} at p50`,
);
await idle.escalator.stop();
idle.db.close();

// 3. Sending to a local SMTP server.
const maildir = mkdtempSync(join(tmpdir(), 'bench-esc-mail-'));
for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(maildir, sub), { recursive: true });
const port = await freePort();
const smtp = await startProcess(
  '/usr/bin/python3',
  ['-m', 'aiosmtpd', '-n', '-d', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
  /Server is listening/,
);
const delivered = () => readdirSync(join(maildir, 'new')).length;
try {
  const message = renderEmail({
    person: PEOPLE[0]!,
    fired: fired('a0', Date.now()),
    consoleUrl: 'https://tocsin.example.test/console#/alert/a0',
    ackUrl: 'https://tocsin.example.test/v1/ack?t=x',
  });
  const raw = createTransport({ host: '127.0.0.1', port });
  t0 = performance.now();
  for (let i = 0; i < MAILS; i++)
    await raw.sendMail({ from: 'tocsin@example.test', to: 'ann@example.test', ...message });
  const rawRate = MAILS / ((performance.now() - t0) / 1000);
  raw.close();
  if (delivered() !== MAILS) throw new Error(`the raw run delivered ${delivered()} of ${MAILS}`);

  const email = new EmailChannel({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: false,
    from: 'tocsin@example.test',
  });
  const sending = escalatorOn(mkdtempSync(join(tmpdir(), 'bench-esc-send-')), [{ after: 0 }], email);
  // Ladders of one step for ann and bob: MAILS rows, all due at once.
  const events = Array.from({ length: MAILS / 2 }, (_, i) => ({ seq: i + 1, event: fired(`s${i}`, Date.now()) }));
  t0 = performance.now();
  sending.escalator.onEvents(events);
  sending.escalator.start();
  while (delivered() < 2 * MAILS && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 5));
  const ladderRate = MAILS / ((performance.now() - t0) / 1000);
  if (delivered() !== 2 * MAILS) throw new Error(`the ladder delivered ${delivered() - MAILS} of ${MAILS} in 120 s`);
  console.log(
    `sending: ${ladderRate.toFixed(0)} mails/s through the ladder vs ${rawRate.toFixed(0)} mails/s nodemailer → aiosmtpd raw: ` +
      `ratio ${(ladderRate / rawRate).toFixed(2)}; ${sending.published()} timeline entries`,
  );
  await sending.escalator.stop();
  email.close();
  sending.db.close();
} finally {
  await smtp.stop();
}
