/**
 * What a channel is given and answers. A channel sends one notice to one person and says how
 * it went: a short detail for the timeline ("delivered", "250 OK") or why it failed.
 */
import type { Result } from '../../../common/result.js';
import type { Person } from '../directory.js';
import type { FiredEvent } from '../ladder.js';

/** One escalation to one person. */
export type Notice = {
  person: Person;
  fired: FiredEvent;
  /** The console, opened on this alert. */
  consoleUrl: string;
  /** The one-tap acknowledge link (GET shows a confirmation page, POST acknowledges). */
  ackUrl: string;
};

/** How an escalated alert ended: acknowledged (by whom) or resolved. */
export type Settlement = { how: 'acknowledged' | 'resolved'; by?: string };

/** Sends notices by one means. */
export interface Channel {
  send(notice: Notice): Promise<Result<string>>;
  /**
   * The alert a notice was sent about was acknowledged or resolved: replace what the person's
   * device shows (the same ntfy sequence id, the same push tag) so their phone stops saying it
   * is open. Channels that cannot take a message back (e-mail) have none.
   */
  settle?(notice: Notice, settlement: Settlement): Promise<Result<string>>;
}

/** "Acknowledged by Ann Example", "Resolved": the head of a settled notice. */
export function settlementWords(settlement: Settlement): string {
  return settlement.how === 'resolved' ? 'Resolved' : `Acknowledged${settlement.by ? ` by ${settlement.by}` : ''}`;
}

/** "[CRITICAL security] Disk full on db-1": the subject or title of every notice. */
export function noticeTitle(fired: FiredEvent): string {
  const { alert } = fired;
  return `[${alert.severity.toUpperCase()} ${alert.category}] ${alert.title}${alert.host ? ` on ${alert.host}` : ''}`;
}

/** The alert's origin link, only when it is https (anything else is shown as text, never linked). */
export function runbookUrl(fired: FiredEvent): string | undefined {
  const url = fired.alert.url;
  return url?.startsWith('https://') ? url : undefined;
}
