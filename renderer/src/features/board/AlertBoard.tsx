/**
 * The alert board: active alerts (grouped by severity or host, or flat; newest first within)
 * in a virtualized grid, so ten thousand rows scroll smoothly. Only the rows in view exist in
 * the DOM; the selected one is the grid's active descendant for assistive technology. Text from
 * the network sits in `<bdi>` (a right-to-left override in a host reverses only that host) and
 * each cell is one line with an ellipsis, the whole value in its `title`.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { AlertRow } from '../../../../common/api/contract';
import { CategoryBadge, formatAge, SeverityBadge } from '../../components/SeverityBadge';
import { alertKey } from '../../../../common/alert-key';
import type { BoardItem } from './filters';

type Props = {
  items: readonly BoardItem[];
  selected: string | null;
  onSelect: (key: string) => void;
  onOpen: (row: AlertRow) => void;
  onAct: (row: AlertRow, kind: 'acknowledge' | 'snooze') => void;
  now: number;
  filtering: boolean;
};

const ROW_HEIGHT = 40;
const GROUP_HEIGHT = 30;
const rowId = (index: number) => `board-item-${index}`;

export function AlertBoard({ items, selected, onSelect, onOpen, onAct, now, filtering }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (items[index]?.kind === 'group' ? GROUP_HEIGHT : ROW_HEIGHT),
    getItemKey: (index) => {
      const item = items[index]!;
      return item.kind === 'group' ? item.key : alertKey(item.row);
    },
    overscan: 12,
  });
  const selectedIndex = items.findIndex((item) => item.kind === 'alert' && alertKey(item.row) === selected);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  if (items.length === 0) {
    return (
      <p className="empty" data-testid="board-empty">
        {filtering ? 'No active alert matches these filters.' : 'No active alerts.'} The feed status above says whether
        that is good news.
      </p>
    );
  }
  return (
    <div
      className="board"
      role="grid"
      aria-label="Active alerts"
      aria-rowcount={items.length + 1}
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 ? rowId(selectedIndex) : undefined}
    >
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
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            const position = {
              position: 'absolute',
              top: 0,
              left: 0,
              right: 0,
              transform: `translateY(${v.start}px)`,
            } as const;
            if (item.kind === 'group') {
              return (
                <div
                  key={v.key}
                  id={rowId(v.index)}
                  role="row"
                  aria-rowindex={v.index + 2}
                  data-testid="alert-group"
                  className={`board-group severity-row-${item.severity}`}
                  style={{ ...position, height: GROUP_HEIGHT }}
                >
                  <span role="rowheader" aria-colspan={6}>
                    {item.key.startsWith('severity:') ? (
                      <SeverityBadge severity={item.severity} />
                    ) : (
                      <span className="mono" title={item.label}>
                        <bdi>{item.label}</bdi>
                      </span>
                    )}{' '}
                    <span className="muted">
                      · {item.count} {item.count === 1 ? 'alert' : 'alerts'}
                    </span>
                  </span>
                </div>
              );
            }
            const row = item.row;
            const key = alertKey(row);
            const isSelected = key === selected;
            return (
              <div
                key={v.key}
                id={rowId(v.index)}
                role="row"
                aria-rowindex={v.index + 2}
                aria-selected={isSelected}
                data-testid="alert-row"
                className={`board-row severity-row-${row.severity}${isSelected ? ' selected' : ''}${v.index % 2 ? ' alt' : ''}`}
                style={{ ...position, height: ROW_HEIGHT }}
                onClick={() => onSelect(key)}
                onDoubleClick={() => onOpen(row)}
              >
                <span role="gridcell">
                  <SeverityBadge severity={row.severity} />
                </span>
                <span role="gridcell">
                  <CategoryBadge category={row.category} />
                </span>
                <span role="gridcell" className="title" data-testid="alert-title" title={row.title}>
                  <bdi>{row.title}</bdi>
                </span>
                <span role="gridcell" className="mono host" data-testid="alert-host" title={row.host}>
                  <bdi>{row.host ?? '—'}</bdi>
                </span>
                <span role="gridcell" className="muted">
                  {formatAge(now - row.startsAt)}
                </span>
                <span role="gridcell" className="state-cell">
                  {row.acknowledged ? (
                    <span className="acked">
                      ✓ <bdi>{row.acknowledged.by}</bdi>
                    </span>
                  ) : (
                    <span className="unacked">Unacknowledged</span>
                  )}
                  {row.snoozedUntil !== null && row.snoozedUntil > now && (
                    <span
                      className="snoozed"
                      title={`Snoozed until ${new Date(row.snoozedUntil).toLocaleTimeString()}`}
                    >
                      {' '}
                      · ◔ snoozed
                    </span>
                  )}
                  <span className="row-actions">
                    {!row.acknowledged && (
                      <button
                        type="button"
                        tabIndex={-1}
                        onClick={(e) => {
                          e.stopPropagation();
                          onAct(row, 'acknowledge');
                        }}
                      >
                        Ack
                      </button>
                    )}
                    <button
                      type="button"
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        onAct(row, 'snooze');
                      }}
                    >
                      Snooze
                    </button>
                    <button
                      type="button"
                      tabIndex={-1}
                      onClick={(e) => {
                        e.stopPropagation();
                        onOpen(row);
                      }}
                    >
                      Open
                    </button>
                  </span>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
