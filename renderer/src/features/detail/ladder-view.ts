/**
 * How an alert's escalation ladder reads in its detail: one line per row (who, by what, and how
 * it went or when it is due) and the next step's countdown ("next: Bob by e-mail in 3:12").
 */
import type { LadderRow } from '../../../../common/api/escalation';

const CHANNEL: Record<LadderRow['channel'], string> = { push: 'Web Push', email: 'e-mail', webhook: 'webhook' };

/** "3:12", "1:02:03": a countdown to the second. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

const at = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** What happened to a row, or when it will. */
export function rowOutcome(row: LadderRow, now: number): string {
  switch (row.state) {
    case 'sent':
      return `reached ${row.sentAt === null ? '' : at(row.sentAt)}`.trim();
    case 'sending':
      return 'sending now';
    case 'pending':
      return row.attempts > 0
        ? `failed ${row.attempts}× (${row.lastError ?? 'no reason given'}), retrying in ${countdown(row.dueAt - now)}`
        : `due in ${countdown(row.dueAt - now)}`;
    case 'failed':
      return `failed for good: ${row.lastError ?? 'no reason given'}`;
    case 'skipped':
      return `skipped: ${row.lastError ?? 'no reason given'}`;
    case 'cancelled':
      return 'cancelled (acknowledged or resolved)';
    case 'unknown':
      return 'unknown: the gateway stopped while sending (not resent)';
  }
}

/** The lines of a ladder and the next step's countdown, if a step is still to come. */
export function ladderView(rows: readonly LadderRow[], now: number): { lines: string[]; next: string | null } {
  const lines = rows.map(
    (row) => `Step ${row.step + 1} · ${row.person} by ${CHANNEL[row.channel]}: ${rowOutcome(row, now)}`,
  );
  const pending = rows.filter((row) => row.state === 'pending').sort((a, b) => a.dueAt - b.dueAt);
  const first = pending[0];
  if (!first) return { lines, next: null };
  const together = pending.filter((row) => row.dueAt === first.dueAt);
  const who = [...new Set(together.map((row) => `${row.person} by ${CHANNEL[row.channel]}`))].join(', ');
  return { lines, next: `next: ${who} in ${countdown(first.dueAt - now)}` };
}
