/**
 * The alert board: active alerts, most severe and newest first, in a virtualized grid (ten
 * thousand rows scroll smoothly). Keyboard: j/k move, Enter opens, a acknowledges,
 * s snoozes an hour, / searches.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { AlertRow } from '../../../../preload/contract';
import { CategoryBadge, formatAge, SeverityBadge } from '../../components/SeverityBadge';
import { alertKey } from '../../state/console-store';

type Props = {
  rows: readonly AlertRow[];
  selected: string | null;
  onSelect: (key: string) => void;
  onOpen: (row: AlertRow) => void;
  now: number;
};

const ROW_HEIGHT = 40;

export function AlertBoard({ rows, selected, onSelect, onOpen, now }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const selectedIndex = rows.findIndex((row) => alertKey(row) === selected);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  if (rows.length === 0) {
    return <p className="empty">No active alerts match. The feed status above says whether that is good news.</p>;
  }
  return (
    <div className="board" role="grid" aria-label="Active alerts" aria-rowcount={rows.length + 1}>
      <div className="board-row board-head" role="row" aria-rowindex={1}>
        <span role="columnheader">Severity</span>
        <span role="columnheader">Category</span>
        <span role="columnheader">Alert</span>
        <span role="columnheader">Host</span>
        <span role="columnheader">Age</span>
        <span role="columnheader">State</span>
      </div>
      <div ref={scrollRef} className="board-scroll">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const key = alertKey(row);
            return (
              <div
                key={key}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={key === selected}
                data-testid="alert-row"
                className={`board-row severity-row-${row.severity}${key === selected ? ' selected' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(key)}
                onDoubleClick={() => onOpen(row)}
              >
                <span role="gridcell"><SeverityBadge severity={row.severity} /></span>
                <span role="gridcell"><CategoryBadge category={row.category} /></span>
                <span role="gridcell" className="title" data-testid="alert-title" title={row.title}>{row.title}</span>
                <span role="gridcell" className="mono">{row.host ?? '—'}</span>
                <span role="gridcell" className="muted">{formatAge(now - row.startsAt)}</span>
                <span role="gridcell">{row.acknowledged ? <span className="acked">✓ {row.acknowledged.by}</span> : <span className="unacked">Unacknowledged</span>}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
