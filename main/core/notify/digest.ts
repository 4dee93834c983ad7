/**
 * The words of a digest: "37 new alerts: 30 outage on db-*, 7 security". Hosts that share a
 * prefix collapse into a wildcard, so a storm on one tier reads as one line.
 */
import type { AlertRow } from '../../../preload/contract.js';

/** A host pattern for a set of hosts: the one host, `prefix-*`, or nothing when they differ. */
export function hostPattern(hosts: readonly string[]): string | null {
  const unique = [...new Set(hosts)];
  if (unique.length === 0) return null;
  if (unique.length === 1) return unique[0]!;
  let prefix = unique[0]!;
  for (const host of unique) while (!host.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.replace(/[\d]+$/, '');
  return prefix.length >= 2 ? `${prefix}*` : null;
}

/** Title and body of a digest over `rows`, largest category first. */
export function digestText(rows: readonly AlertRow[]): { title: string; body: string } {
  const byCategory = new Map<string, AlertRow[]>();
  for (const row of rows) byCategory.set(row.category, [...(byCategory.get(row.category) ?? []), row]);
  const parts = [...byCategory.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([category, group]) => {
      const hosts = hostPattern(group.flatMap((r) => (r.host ? [r.host] : [])));
      return `${group.length} ${category}${hosts ? ` on ${hosts}` : ''}`;
    });
  return { title: `${rows.length} new alerts`, body: `${rows.length} new alerts: ${parts.join(', ')}` };
}
