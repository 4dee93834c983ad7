/**
 * The board's keyboard: j/k (or arrows) move, Enter opens, a acknowledges, s snoozes an hour,
 * c opens the alert to comment on it, / focuses the search, Esc closes the detail. Keys typed into a field are left to the field.
 */
import { useEffect, useRef } from 'react';

export type BoardKeyActions = {
  move: (by: 1 | -1) => void;
  open: () => void;
  acknowledge: () => void;
  snooze: () => void;
  comment: () => void;
  search: () => void;
  close: () => void;
};

export function useBoardKeys(active: boolean, actions: BoardKeyActions): void {
  // The latest actions, without re-registering the listener on every render.
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"]')) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      // Enter on a focused button or link keeps its own meaning.
      if (event.key === 'Enter' && target.closest('button, a')) return;
      const a = latest.current;
      if (event.key === 'j' || event.key === 'ArrowDown') a.move(1);
      else if (event.key === 'k' || event.key === 'ArrowUp') a.move(-1);
      else if (event.key === 'Enter') a.open();
      else if (event.key === 'a') a.acknowledge();
      else if (event.key === 's') a.snooze();
      else if (event.key === 'c') a.comment();
      else if (event.key === '/') a.search();
      else if (event.key === 'Escape') a.close();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
