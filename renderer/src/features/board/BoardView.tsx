/**
 * The board view: counts, filters (persisted), the grouped virtual list, and its keyboard.
 * Acknowledge and snooze act on the selected alert; Enter opens its detail (comment, timeline).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AlertRow } from '../../../../common/api/contract';
import { useBoardKeys } from '../../hooks/useBoardKeys';
import { useNow } from '../../hooks/useNow';
import { alertKey } from '../../../../common/alert-key';
import { AlertBoard } from './AlertBoard';
import { AlertCounts } from './AlertCounts';
import { BoardFilters } from './BoardFilters';
import {
  applyFilters,
  groupRows,
  isFiltering,
  loadFilters,
  saveFilters,
  type BoardFilters as Filters,
} from './filters';

type Props = {
  alerts: ReadonlyMap<string, AlertRow>;
  /** Show only these alerts (a digest's Open), whatever the filters say; null: all. */
  only?: ReadonlySet<string> | null;
  onShowAll?: () => void;
  selected: string | null;
  onSelect: (key: string | null) => void;
  onOpen: (row: AlertRow | null) => void;
  onAct: (row: AlertRow, kind: 'acknowledge' | 'snooze') => void;
};

export function BoardView({ alerts: all, only = null, onShowAll, selected, onSelect, onOpen, onAct }: Props) {
  const alerts = useMemo(() => (only ? new Map([...all].filter(([key]) => only.has(key))) : all), [all, only]);
  const [filters, setFilters] = useState<Filters>(() => loadFilters(localStorage));
  const searchRef = useRef<HTMLInputElement>(null);
  const now = useNow(5000);
  useEffect(() => saveFilters(localStorage, filters), [filters]);

  const rows = useMemo(() => applyFilters(alerts.values(), filters), [alerts, filters]);
  const items = useMemo(() => groupRows(rows, filters.group), [rows, filters.group]);
  // Keyboard order is the on-screen order of the alerts (group headings skipped).
  const ordered = useMemo(() => items.flatMap((item) => (item.kind === 'alert' ? [item.row] : [])), [items]);
  const sources = useMemo(() => [...new Set([...alerts.values()].map((row) => row.source))].sort(), [alerts]);
  const current = selected ? alerts.get(selected) : undefined;

  useBoardKeys(true, {
    move: (by) => {
      if (ordered.length === 0) return;
      const index = ordered.findIndex((row) => alertKey(row) === selected);
      const next = index < 0 ? 0 : Math.min(ordered.length - 1, Math.max(0, index + by));
      onSelect(alertKey(ordered[next]!));
    },
    open: () => current && onOpen(current),
    acknowledge: () => current && !current.acknowledged && onAct(current, 'acknowledge'),
    snooze: () => current && onAct(current, 'snooze'),
    comment: () => {
      if (!current) return;
      onOpen(current);
      // The detail renders on this change; its comment field then takes the keys.
      requestAnimationFrame(() => document.getElementById('comment')?.focus());
    },
    search: () => searchRef.current?.focus(),
    close: () => onOpen(null),
  });

  return (
    <div className="board-view">
      {only && (
        <p className="only-these" role="status" data-testid="only-these">
          Showing the {only.size} alert{only.size === 1 ? '' : 's'} of a notification ({alerts.size} still active){' '}
          <button type="button" className="link-button" onClick={onShowAll}>
            Show all
          </button>
        </p>
      )}
      <AlertCounts alerts={alerts} shown={rows.length} />
      <BoardFilters filters={filters} onChange={setFilters} searchRef={searchRef} sources={sources} />
      <AlertBoard
        items={items}
        selected={selected}
        onSelect={onSelect}
        onOpen={onOpen}
        onAct={onAct}
        now={now}
        filtering={isFiltering(filters)}
      />
    </div>
  );
}
