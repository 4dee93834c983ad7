/**
 * The e-mail channel: one message per notice through an SMTP server (nodemailer), as text and
 * HTML. It carries the alert's body and labels, its runbook link when that is https, a link
 * into the console on the alert, and the one-tap Acknowledge link.
 */
import { readFileSync } from 'node:fs';
import { createTransport, type Transporter } from 'nodemailer';
import { errorMessage } from '../../../common/protocol/bounded-json.js';
import { fail, ok, type Result } from '../../../common/result.js';
import type { SmtpConfig } from '../config.js';
import { noticeTitle, runbookUrl, type Channel, type Notice } from './channel.js';

/** A rendered message. */
export type EmailMessage = { subject: string; text: string; html: string };

/** The subject, text and HTML of a notice. */
export function renderEmail(notice: Notice): EmailMessage {
  const { alert } = notice.fired;
  const runbook = runbookUrl(notice.fired);
  const labels = Object.entries(alert.labels);
  const facts: Array<[string, string]> = [
    ['Severity', alert.severity],
    ['Category', alert.category],
    ...(alert.host ? [['Host', alert.host] as [string, string]] : []),
    ...(alert.service ? [['Service', alert.service] as [string, string]] : []),
    ['Source', notice.fired.source],
    ['Since', new Date(alert.startsAt).toISOString()],
  ];
  const text = [
    `${alert.title}`,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    ...(labels.length ? ['', 'Labels:', ...labels.map(([k, v]) => `  ${k}=${v}`)] : []),
    ...(alert.body ? ['', alert.body] : []),
    '',
    ...(runbook ? [`Runbook: ${runbook}`] : alert.url ? [`Origin (not https, not linked): ${alert.url}`] : []),
    `Open in the console: ${notice.consoleUrl}`,
    `Acknowledge: ${notice.ackUrl}`,
    '',
    `Sent to ${notice.person.name} by the Tocsin gateway because nobody has acknowledged this alert.`,
  ].join('\n');
  const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<h2>${escapeHtml(alert.title)}</h2>`,
    `<table>${facts.map(([k, v]) => `<tr><th align="left">${k}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    labels.length ? `<p>${labels.map(([k, v]) => `<code>${escapeHtml(`${k}=${v}`)}</code>`).join(' ')}</p>` : '',
    alert.body ? `<pre style="white-space: pre-wrap">${escapeHtml(alert.body)}</pre>` : '',
    runbook ? `<p>${link(runbook, 'Runbook')}</p>` : alert.url ? `<p>Origin: ${escapeHtml(alert.url)}</p>` : '',
    `<p>${link(notice.ackUrl, 'Acknowledge')} &nbsp; ${link(notice.consoleUrl, 'Open in the console')}</p>`,
    `<p style="color: #666">Sent to ${escapeHtml(notice.person.name)} by the Tocsin gateway because nobody has acknowledged this alert.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: noticeTitle(notice.fired), text, html };
}

/** Text made safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends notices by e-mail through the configured SMTP server. */
export class EmailChannel implements Channel {
  private readonly transport: Transporter;

  constructor(
    private readonly smtp: SmtpConfig,
    options: { timeoutMs?: number } = {},
  ) {
    const timeout = options.timeoutMs ?? 30_000;
    this.transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      ...(smtp.auth ? { auth: smtp.auth } : {}),
      ...(smtp.tls ? { tls: { ca: readFileSync(smtp.tls.caFile) } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(notice: Notice): Promise<Result<string>> {
    if (!notice.person.email) return fail('no_address', `${notice.person.name} has no e-mail address`);
    const message = renderEmail(notice);
    try {
      const info = (await this.transport.sendMail({ from: this.smtp.from, to: notice.person.email, ...message })) as {
        rejected?: unknown[];
      };
      if (info.rejected?.length) return fail('rejected', `the server refused ${notice.person.email}`);
      return ok('delivered');
    } catch (error) {
      // The server's own words when it answered ("550 mailbox unavailable"), else the socket's.
      const response = (error as { response?: unknown }).response;
      return fail('smtp_failed', typeof response === 'string' ? response : errorMessage(error));
    }
  }

  /** Close pooled connections. */
  close(): void {
    this.transport.close();
  }
}
