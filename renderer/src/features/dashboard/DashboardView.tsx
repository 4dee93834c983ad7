/**
 * Live dashboards: a sparkline grid of every host (CPU, memory, requests, p95 latency, error
 * rate), detailed charts for the selected host, and a full-screen wall-display mode for a NOC
 * screen. The live window is the last five minutes of samples the feed pushed.
 */
import { useMemo, useState } from 'react';
import { METRIC_NAMES, type MetricSample } from '../../../../main/core/protocol/metrics';
import { MetricChart } from './MetricChart';
import { formatValue, Sparkline } from './Sparkline';

const LABELS: Record<(typeof METRIC_NAMES)[number], string> = {
  cpu: 'CPU', memory: 'Memory', requests: 'Requests', latency_p95: 'p95 latency', error_rate: 'Error rate',
};

export function DashboardView({ series }: { series: ReadonlyMap<string, readonly MetricSample[]> }) {
  const [host, setHost] = useState<string | null>(null);
  const [wall, setWall] = useState(false);
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
    if (next) void document.documentElement.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen();
  };
  const selected = hosts.find(([name]) => name === host)?.[1];

  if (hosts.length === 0) return <section className="dashboard"><p className="empty">No metrics from the feed yet.</p></section>;
  return (
    <section className={`dashboard${wall ? ' wall' : ''}`} aria-label="Dashboards">
      <div className="dashboard-bar">
        <span className="muted">{hosts.length} hosts · live, last 5 minutes</span>
        <button type="button" onClick={toggleWall} aria-pressed={wall}>{wall ? 'Leave wall display' : 'Wall display'}</button>
      </div>
      {selected && host && (
        <div className="host-detail" aria-label={`Metrics of ${host}`}>
          <h2 className="mono">{host} <button type="button" className="link-button" onClick={() => setHost(null)}>back to all hosts</button></h2>
          <div className="chart-grid">
            {METRIC_NAMES.map((metric) => <MetricChart key={metric} title={`${LABELS[metric]} (${selected.get(metric)?.at(-1)?.unit ?? ''})`} points={selected.get(metric) ?? []} />)}
          </div>
        </div>
      )}
      <div className="host-grid" role="list">
        {hosts.map(([name, metrics]) => (
          <button type="button" key={name} role="listitem" className="host-card" data-testid="host-card" onClick={(e) => {
            setHost(name);
            e.currentTarget.closest('.dashboard')?.scrollTo({ top: 0 }); // its charts are at the top
          }} aria-label={`Show ${name}`}>
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
