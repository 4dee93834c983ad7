/** The view switcher: a tab list (arrow keys move between tabs, as ARIA's tab pattern expects). */
import { useRef } from 'react';

export type View = 'board' | 'dashboards' | 'history' | 'settings';
const VIEWS: Array<{ view: View; label: string }> = [
  { view: 'board', label: 'Board' },
  { view: 'dashboards', label: 'Dashboards' },
  { view: 'history', label: 'History' },
  { view: 'settings', label: 'Settings' },
];

export function ViewTabs({ view, onChange }: { view: View; onChange: (view: View) => void }) {
  const list = useRef<HTMLElement>(null);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const at = VIEWS.findIndex((v) => v.view === view);
    const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : null;
    if (next === null) return;
    const target = VIEWS[(next + VIEWS.length) % VIEWS.length]!;
    onChange(target.view);
    list.current?.querySelector<HTMLElement>(`#tab-${target.view}`)?.focus();
    event.preventDefault();
  };
  return (
    <nav className="views" role="tablist" aria-label="Views" ref={list} onKeyDown={onKeyDown}>
      {VIEWS.map(({ view: v, label }) => (
        <button
          key={v}
          id={`tab-${v}`}
          type="button"
          role="tab"
          aria-selected={view === v}
          aria-controls={`view-${v}`}
          tabIndex={view === v ? 0 : -1}
          onClick={() => onChange(v)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}
