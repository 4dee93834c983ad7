/**
 * The console: status bar, the four views (board, dashboards, history, settings), an alert's
 * detail beside them, and a live region that announces new alerts.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertRow } from '../../common/api/contract';
import type { Settings } from '../../common/settings/schema';
import type { ConsoleApi } from './api/get-api';
import { BoardView } from './features/board/BoardView';
import { DashboardView } from './features/dashboard/DashboardView';
import { AlertDetail } from './features/detail/AlertDetail';
import { HistoryView } from './features/history/HistoryView';
import { SettingsView } from './features/settings/SettingsView';
import { StatusBar } from './features/status/StatusBar';
import { ViewTabs, type View } from './components/ViewTabs';
import { type ConsoleStore } from './state/console-store';
import { alertKey } from '../../common/alert-key';
import { useAlertLink } from './hooks/useAlertLink';

export function App({ api, store }: { api: ConsoleApi; store: ConsoleStore }) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [selected, setSelected] = useState<string | null>(null);
  const [opened, setOpened] = useState<AlertRow | null>(null);
  const [view, setView] = useState<View>('board');
  const [error, setError] = useState<string | null>(null);

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

  // Open on a digest: the board with exactly its alerts, until "Show all".
  const [only, setOnly] = useState<ReadonlySet<string> | null>(null);
  useEffect(() => {
    if (!state.focusSet) return;
    setView('board');
    setOnly(new Set(state.focusSet.keys));
  }, [state.focusSet?.n]);

  // A link to one alert (`#/alert/<id>`, from an e-mail or a push): open it once it is on the board.
  const link = useAlertLink();
  const followed = useRef(-1);
  useEffect(() => {
    if (link.alertId === null || followed.current === link.n) return;
    const row = [...state.alerts.values()].find((r) => r.alertId === link.alertId);
    if (!row) return; // not received yet: tried again as alerts arrive
    followed.current = link.n;
    setView('board');
    setSelected(alertKey(row));
    setOpened(row);
  }, [link, state.alerts]);

  // The live version of an open alert when it is active; the history's copy otherwise.
  const openRow = opened ? (state.alerts.get(alertKey(opened)) ?? opened) : null;
  const act = async (row: AlertRow, kind: 'acknowledge' | 'snooze') => {
    const ref = { feedId: row.feedId, alertId: row.alertId };
    const result = kind === 'acknowledge' ? await api.acknowledge(ref) : await api.snooze({ ...ref, minutes: 60 });
    if (!result.ok) setError(`${kind === 'acknowledge' ? 'Acknowledge' : 'Snooze'} failed: ${result.message}`);
  };

  return (
    <div className="app">
      <header className="top">
        <h1>Tocsin</h1>
        <StatusBar
          feeds={state.feeds}
          link={state.link}
          notifications={state.notifications}
          onAddFeed={() => setView('settings')}
        />
      </header>
      <ViewTabs view={view} onChange={setView} />
      {error && (
        <div className="error" role="alert">
          {error}{' '}
          <button type="button" className="link-button" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
      <main className="main" id={`view-${view}`} role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'board' ? (
          <BoardView
            alerts={state.alerts}
            only={only}
            onShowAll={() => setOnly(null)}
            selected={selected}
            onSelect={setSelected}
            onOpen={setOpened}
            onAct={(row, kind) => void act(row, kind)}
          />
        ) : view === 'dashboards' ? (
          <DashboardView series={state.series} api={api} />
        ) : view === 'history' ? (
          <HistoryView api={api} onOpen={setOpened} onError={setError} />
        ) : (
          <SettingsView api={api} onSaved={(settings: Settings) => applyTheme(settings.theme)} />
        )}
        {openRow && view !== 'settings' && view !== 'dashboards' && (
          <AlertDetail row={openRow} api={api} onClose={() => setOpened(null)} onError={setError} />
        )}
      </main>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
        {state.announcement?.text ?? ''}
      </div>
    </div>
  );
}

/** Light, dark, or follow the system (the stylesheet reads prefers-color-scheme). */
function applyTheme(theme: Settings['theme']): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
