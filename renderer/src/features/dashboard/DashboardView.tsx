/**
 * Live dashboards: a sparkline grid of every host (CPU, memory, requests, p95 latency, error
 * rate), detailed charts for the selected host, and a full-screen wall-display mode for a NOC
 * screen. Time windows: the live last five minutes the feed pushed, or an hour or a day from
 * the core's metric history (useMetricWindow).
 */
import { useMemo, useState } from 'react';
import { METRIC_NAMES, type MetricSample } from '../../../../common/protocol/metrics';
import type { ConsoleApi } from '../../api/get-api';
import { MetricChart } from './MetricChart';
import { formatValue, Sparkline } from './Sparkline';
import { useMetricWindow, WINDOW_LABELS, type MetricWindow } from './useMetricWindow';

const LABELS: Record<(typeof METRIC_NAMES)[number], string> = {
  cpu: 'CPU',
  memory: 'Memory',
  requests: 'Requests',
  latency_p95: 'p95 latency',
  error_rate: 'Error rate',
};

export function DashboardView({
  series: live,
  api,
}: {
  series: ReadonlyMap<string, readonly MetricSample[]>;
  api: ConsoleApi;
}) {
  const [host, setHost] = useState<string | null>(null);
  const [wall, setWall] = useState(false);
  const [fullscreenProblem, setFullscreenProblem] = useState<string | null>(null);
  const [window, setWindow] = useState<MetricWindow>('5m');
  const { series, loading, error } = useMetricWindow(api, window, live);
  const hosts = useMemo(() => {
    const byHost = new Map<string, Map<string, readonly MetricSample[]>>();
    for (const points of series.values()) {
      const last = points[points.length - 1];
      if (!last?.host) continue;
      const metrics = byHost.get(last.host) ?? new Map<string, readonly MetricSample[]>();
      metrics.set(last.metric, points);
      byHost.set(last.host, metrics);
    }
    return [...byHost.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [series]);

  const toggleWall = () => {
    const next = !wall;
    setWall(next);
    // A refusal (no user gesture, a policy) is said, not swallowed: the wall display then fills the window.
    if (next)
      void document.documentElement
        .requestFullscreen?.()
        .then(() => setFullscreenProblem(null))
        .catch((error: Error) =>
          setFullscreenProblem(`Full screen was refused (${error.message}): showing the wall in the window.`),
        );
    else if (document.fullscreenElement) void document.exitFullscreen();
  };
  const selected = hosts.find(([name]) => name === host)?.[1];

  return (
    <section className={`dashboard${wall ? ' wall' : ''}`} aria-label="Dashboards" aria-busy={loading}>
      <div className="dashboard-bar">
        {wall && fullscreenProblem && (
          <span role="status" className="muted" data-testid="fullscreen-problem">
            {fullscreenProblem}
          </span>
        )}
        <span className="muted" data-testid="dashboard-summary">
          {hosts.length} hosts · {WINDOW_LABELS[window]}
          {loading ? ' · loading…' : ''}
        </span>
        <span className="dashboard-controls">
          <span role="group" aria-label="Time window" className="chips">
            {(Object.keys(WINDOW_LABELS) as MetricWindow[]).map((w) => (
              <button key={w} type="button" className="chip" aria-pressed={window === w} onClick={() => setWindow(w)}>
                {w === '5m' ? '5 min' : w === '1h' ? '1 h' : '24 h'}
              </button>
            ))}
          </span>
          <button type="button" onClick={toggleWall} aria-pressed={wall}>
            {wall ? 'Leave wall display' : 'Wall display'}
          </button>
        </span>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {hosts.length === 0 && !loading && (
        <p className="empty">
          {window === '5m' ? 'No metrics from the feed yet.' : 'No metrics in the history for this window.'}
        </p>
      )}
      {selected && host && (
        <div className="host-detail" aria-label={`Metrics of ${host}`}>
          <h2 className="mono">
            {host}{' '}
            <button type="button" className="link-button" onClick={() => setHost(null)}>
              back to all hosts
            </button>
          </h2>
          <div className="chart-grid">
            {METRIC_NAMES.map((metric) => (
              <MetricChart
                key={metric}
                title={`${LABELS[metric]} (${selected.get(metric)?.at(-1)?.unit ?? ''})`}
                points={selected.get(metric) ?? []}
                span={WINDOW_LABELS[window]}
              />
            ))}
          </div>
        </div>
      )}
      <div className="host-grid" role="list">
        {hosts.map(([name, metrics]) => (
          <button
            type="button"
            key={name}
            role="listitem"
            className="host-card"
            data-testid="host-card"
            onClick={(e) => {
              setHost(name);
              e.currentTarget.closest('.dashboard')?.scrollTo({ top: 0 }); // its charts are at the top
            }}
            aria-label={`Show ${name}`}
          >
            <span className="mono host-name">{name}</span>
            {METRIC_NAMES.map((metric) => {
              const points = metrics.get(metric) ?? [];
              const last = points.at(-1);
              return (
                <span key={metric} className="spark-row">
                  <span className="muted spark-label">{LABELS[metric]}</span>
                  <Sparkline points={points} label={`${name} ${LABELS[metric]}`} />
                  <span className="spark-value">{last ? formatValue(last.value, last.unit) : '—'}</span>
                </span>
              );
            })}
          </button>
        ))}
      </div>
    </section>
  );
}
