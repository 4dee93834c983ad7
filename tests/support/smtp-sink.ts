/**
 * A real SMTP server for tests: Debian's aiosmtpd writing a Maildir, on a free loopback port,
 * and the helpers to read what it received. Stopped by the caller (`stop()`).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startProcess, type Started } from './processes.js';

/** A free TCP port on 127.0.0.1 (taken and released). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Start aiosmtpd on `port`, delivering into the Maildir `maildir`. */
export function startSmtp(port: number, maildir: string): Promise<Started> {
  // A Maildir is three folders; aiosmtpd's Mailbox handler does not create them.
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(maildir, sub), { recursive: true });
  return startProcess(
    '/usr/bin/python3',
    ['-m', 'aiosmtpd', '-n', '-d', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    /Server is listening/,
  );
}

/** The messages in a Maildir's new/, as raw text. */
export function mails(maildir: string): string[] {
  try {
    return readdirSync(join(maildir, 'new')).map((f) => readFileSync(join(maildir, 'new', f), 'utf8'));
  } catch {
    return [];
  }
}

/** A header's unfolded value. */
export function header(mail: string, name: string): string | undefined {
  return mail
    .split(/\r?\n\r?\n/)[0]!
    .replace(/\r?\n[ \t]+/g, ' ')
    .match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1];
}

/** The message decoded from quoted-printable (nodemailer's encoding for long lines). */
export function decoded(mail: string): string {
  return mail
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
