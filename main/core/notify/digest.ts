/**
 * Digests: a burst of alerts told in one notification that names what fired, most severe first:
 * "6 critical alerts" / "postgres down on db-01, nginx down on edge-02 and 4 more (outage on
 * db-*, edge-*)". Hosts that share a prefix collapse into a wildcard, so a storm on one tier
 * reads as one line. The buffer keeps counts, running prefixes and the few alerts it names, not
 * every row, so a long storm held back by the per-minute cap costs constant memory.
 */
import type { AlertRow } from '../../../common/api/contract.js';
import { severityRank, type Severity } from '../../../common/protocol/alert.js';
import type { AlertRef } from './request.js';

/** At most this many alerts of one digest get a "notified" entry on their timeline. */
export const DIGEST_COVERS_LIMIT = 1000;
/** A digest names this many alerts, most severe first; the rest are a count. */
export const DIGEST_NAMED = 2;

/** A host pattern for a set of hosts: the one host, `prefix-*`, or nothing when they differ. */
export function hostPattern(hosts: readonly string[]): string | null {
  const tracker = new HostTracker();
  for (const host of hosts) tracker.add(host);
  return tracker.pattern();
}

/** The common prefix of every host seen so far, in constant memory. */
class HostTracker {
  private first: string | null = null;
  private prefix = '';
  private allSame = true;

  add(host: string): void {
    if (this.first === null) {
      this.first = host;
      this.prefix = host;
      return;
    }
    if (host !== this.first) this.allSame = false;
    while (!host.startsWith(this.prefix)) this.prefix = this.prefix.slice(0, -1);
  }

  pattern(): string | null {
    if (this.first === null) return null;
    if (this.allSame) return this.first;
    // "db-0" of db-01…db-09 still names the tier: trailing digits go, the wildcard stands for them.
    const prefix = this.prefix.replace(/\d+$/, '');
    return prefix.length >= 2 ? `${prefix}*` : null;
  }
}

/** Alerts gathered for the next digest. */
export class DigestBuffer {
  private readonly byCategory = new Map<string, { count: number; hosts: HostTracker }>();
  private readonly refs: AlertRef[] = [];
  /** The most severe alerts so far (the first of each severity wins a tie), at most DIGEST_NAMED. */
  private readonly named: AlertRow[] = [];
  private total = 0;
  private worst: Severity = 'info';

  get size(): number {
    return this.total;
  }

  add(row: AlertRow): void {
    this.total++;
    let group = this.byCategory.get(row.category);
    if (!group) this.byCategory.set(row.category, (group = { count: 0, hosts: new HostTracker() }));
    group.count++;
    if (row.host) group.hosts.add(row.host);
    if (severityRank(row.severity) > severityRank(this.worst)) this.worst = row.severity;
    this.named.push(row);
    this.named.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    if (this.named.length > DIGEST_NAMED) this.named.pop();
    if (this.refs.length < DIGEST_COVERS_LIMIT) this.refs.push({ feedId: row.feedId, alertId: row.alertId });
  }

  /** The most severe alert's severity. */
  worstSeverity(): Severity {
    return this.worst;
  }

  /** The one alert of a digest that holds exactly one, else null. */
  only(): AlertRow | null {
    return this.total === 1 ? this.named[0]! : null;
  }

  /** The first alerts of the digest (at most DIGEST_COVERS_LIMIT). */
  covers(): AlertRef[] {
    return [...this.refs];
  }

  /**
   * Title "6 critical alerts" (the worst severity) and a body that names the most severe
   * alerts, then counts the rest, then says where: "postgres down on db-01, nginx down on
   * edge-02 and 4 more (5 outage on db-*, 1 security on vpn-01)", largest category first.
   */
  text(): { title: string; body: string } {
    const parts = [...this.byCategory.entries()]
      .sort((a, b) => b[1].count - a[1].count)
      .map(([category, group]) => {
        const hosts = group.hosts.pattern();
        return `${group.count} ${category}${hosts ? ` on ${hosts}` : ''}`;
      });
    const names = this.named.map((row) => `${row.title}${row.host ? ` on ${row.host}` : ''}`);
    const rest = this.total - names.length;
    const title = `${this.total} ${this.worst} alert${this.total === 1 ? '' : 's'}`;
    return { title, body: `${names.join(', ')}${rest > 0 ? ` and ${rest} more` : ''} (${parts.join(', ')})` };
  }
}

/** Title and body of a digest over `rows` (see DigestBuffer.text). */
export function digestText(rows: readonly AlertRow[]): { title: string; body: string } {
  const buffer = new DigestBuffer();
  for (const row of rows) buffer.add(row);
  return buffer.text();
}
