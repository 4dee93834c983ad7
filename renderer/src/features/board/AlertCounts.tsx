/** Counts of the active alerts by severity and by category, each with its shape, word and colour. */
import { useMemo } from 'react';
import type { AlertRow } from '../../../../common/api/contract';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../../../common/protocol/alert';
import { CATEGORY_LOOK, SEVERITY_LOOK } from '../../components/SeverityBadge';

export type AlertTally = {
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  unacknowledged: number;
  total: number;
};

/** Tally the active set (unfiltered: the counts say what is out there, the board what is shown). */
export function tallyAlerts(alerts: Iterable<AlertRow>): AlertTally {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let unacknowledged = 0;
  let total = 0;
  for (const row of alerts) {
    bySeverity[row.severity]++;
    byCategory[row.category]++;
    if (!row.acknowledged) unacknowledged++;
    total++;
  }
  return { bySeverity, byCategory, unacknowledged, total };
}

export function AlertCounts({ alerts, shown }: { alerts: ReadonlyMap<string, AlertRow>; shown: number }) {
  const tally = useMemo(() => tallyAlerts(alerts.values()), [alerts]);
  return (
    <section className="counts" aria-label="Active alert counts">
      <span className="count-group" role="group" aria-label="By severity">
        {[...SEVERITIES].reverse().map((s) => (
          <span
            key={s}
            className={`count severity-${s}${tally.bySeverity[s] === 0 ? ' zero' : ''}`}
            data-testid={`count-${s}`}
          >
            <span aria-hidden="true">{SEVERITY_LOOK[s].glyph}</span> {tally.bySeverity[s]}{' '}
            {SEVERITY_LOOK[s].label.toLowerCase()}
          </span>
        ))}
      </span>
      <span className="count-group" role="group" aria-label="By category">
        {CATEGORIES.map((c) => (
          <span
            key={c}
            className={`count category-${c}${tally.byCategory[c] === 0 ? ' zero' : ''}`}
            data-testid={`count-${c}`}
          >
            <span aria-hidden="true">{CATEGORY_LOOK[c].glyph}</span> {tally.byCategory[c]}{' '}
            {CATEGORY_LOOK[c].label.toLowerCase()}
          </span>
        ))}
      </span>
      <span className="muted" data-testid="board-shown">
        {tally.unacknowledged} unacknowledged · {shown} shown of {tally.total} active
      </span>
    </section>
  );
}
