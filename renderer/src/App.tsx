/**
 * The console: status bar, counts, filters, the board and an alert's detail. Keyboard:
 * j/k move, Enter opens, a acknowledges, s snoozes an hour, / searches, Esc closes.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertRow } from '../../preload/contract';
import { SEVERITIES } from '../../main/core/protocol/alert';
import type { ConsoleApi } from './api/get-api';
import { AlertBoard } from './features/board/AlertBoard';
import { BoardFilters } from './features/board/BoardFilters';
import { applyFilters, loadFilters, saveFilters, type BoardFilters as Filters } from './features/board/filters';
import { AlertDetail } from './features/detail/AlertDetail';
import { HistoryView } from './features/history/HistoryView';
import { DashboardView } from './features/dashboard/DashboardView';
import { SettingsView } from './features/settings/SettingsView';
import type { Settings } from '../../main/core/settings/schema';
import { StatusBar } from './features/status/StatusBar';
import { alertKey, type ConsoleStore } from './state/console-store';

export function App({ api, store }: { api: ConsoleApi; store: ConsoleStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [filters, setFilters] = useState<Filters>(() => loadFilters(localStorage));
  const [selected, setSelected] = useState<string | null>(null);
  const [opened, setOpened] = useState<AlertRow | null>(null);
  const [view, setView] = useState<'board' | 'dashboards' | 'history' | 'settings'>('board');
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => saveFilters(localStorage, filters), [filters]);
  useEffect(() => {
    void api.getSettings({}).then((result) => result.ok && applyTheme(result.value.settings.theme));
  }, [api]);
  // A notification's Open: show the board on that alert.
  useEffect(() => {
    if (!state.focus) return;
    const row = state.alerts.get(alertKey(state.focus));
    setView('board');
    if (row) {
      setSelected(alertKey(row));
      setOpened(row);
    }
    // Only a new focus request moves the view, not every alert update.
  }, [state.focus?.n]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  const rows = useMemo(() => applyFilters(state.alerts.values(), filters), [state.alerts, filters]);
  // The live version of an open alert when it is active; the history's copy otherwise.
  const openRow = opened ? state.alerts.get(alertKey(opened)) ?? opened : null;
  const counts = useMemo(() => {
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
    let security = 0;
    for (const row of state.alerts.values()) {
      bySeverity[row.severity]++;
      if (row.category === 'security') security++;
    }
    return { bySeverity, security };
  }, [state.alerts]);

  const act = async (row: AlertRow, kind: 'acknowledge' | 'snooze') => {
    const ref = { feedId: row.feedId, alertId: row.alertId };
    const result = kind === 'acknowledge' ? await api.acknowledge(ref) : await api.snooze({ ...ref, minutes: 60 });
    if (!result.ok) setError(result.message);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select')) {
        if (event.key === 'Escape') target.blur();
        return;
      }
      const index = rows.findIndex((row) => alertKey(row) === selected);
      const current = index >= 0 ? rows[index] : undefined;
      if (event.key === 'j' || event.key === 'ArrowDown') setSelected(alertKey(rows[Math.min(rows.length - 1, index + 1)] ?? rows[0]!));
      else if (event.key === 'k' || event.key === 'ArrowUp') setSelected(alertKey(rows[Math.max(0, index - 1)] ?? rows[0]!));
      else if (event.key === 'Enter' && current) setOpened(current);
      else if (event.key === 'a' && current) void act(current, 'acknowledge');
      else if (event.key === 's' && current) void act(current, 'snooze');
      else if (event.key === '/') searchRef.current?.focus();
      else if (event.key === 'Escape') setOpened(null);
      else return;
      event.preventDefault();
    };
    if (rows.length === 0 || view !== 'board') return;
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="app">
      <header className="top">
        <h1>Tocsin</h1>
        <StatusBar feeds={state.feeds} link={state.link} onAddFeed={() => setView('settings')} />
      </header>
      <nav className="views" role="tablist" aria-label="Views">
        <button type="button" role="tab" aria-selected={view === 'board'} onClick={() => setView('board')}>Board</button>
        <button type="button" role="tab" aria-selected={view === 'dashboards'} onClick={() => setView('dashboards')}>Dashboards</button>
        <button type="button" role="tab" aria-selected={view === 'history'} onClick={() => setView('history')}>History</button>
        <button type="button" role="tab" aria-selected={view === 'settings'} onClick={() => setView('settings')}>Settings</button>
      </nav>
      <section className="counts" aria-label="Counts" hidden={view !== 'board'}>
        {[...SEVERITIES].reverse().map((s) => (
          <span key={s} className={`count severity-${s}`} data-testid={`count-${s}`}>{counts.bySeverity[s]} {s}</span>
        ))}
        <span className="count category-security">{counts.security} security</span>
        <span className="muted">{rows.length} shown of {state.alerts.size} active</span>
      </section>
      {view === 'board' && <BoardFilters filters={filters} onChange={setFilters} searchRef={searchRef} />}
      {error && (
        <div className="error" role="alert">
          {error} <button type="button" className="link-button" onClick={() => setError(null)}>Dismiss</button>
        </div>
      )}
      <main className="main">
        {view === 'board' ? (
          <AlertBoard rows={rows} selected={selected} onSelect={setSelected} onOpen={setOpened} now={now} />
        ) : view === 'dashboards' ? (
          <DashboardView series={state.series} />
        ) : view === 'history' ? (
          <HistoryView api={api} onOpen={setOpened} onError={setError} />
        ) : (
          <SettingsView api={api} onSaved={(settings: Settings) => applyTheme(settings.theme)} />
        )}
        {openRow && <AlertDetail row={openRow} api={api} onClose={() => setOpened(null)} onError={setError} />}
      </main>
      <div className="visually-hidden" aria-live="polite" data-testid="live-region">
        {state.lastFired ? `New ${state.lastFired.severity} alert: ${state.lastFired.title}` : ''}
      </div>
    </div>
  );
}

/** Light, dark, or follow the system (the stylesheet reads prefers-color-scheme). */
function applyTheme(theme: Settings['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
