/**
 * The samples a dashboard shows for its time window: the live last five minutes straight from
 * the feed, or an hour or a day from the core's metric history (averaged per step, refreshed
 * while the window is open). Either way the result has the live series' shape, so the grid and
 * the charts draw both the same way.
 */
import { useEffect, useState } from 'react';
import type { MetricRange, MetricSeriesInfo } from '../../../../preload/contract';
import type { MetricSample } from '../../../../main/core/protocol/metrics';
import type { ConsoleApi } from '../../api/get-api';

export type MetricWindow = '5m' | '1h' | '24h';
export const WINDOW_LABELS: Record<MetricWindow, string> = { '5m': 'last 5 minutes, live', '1h': 'last hour, from history', '24h': 'last 24 hours, from history' };
/** How often a history window is fetched again (about one step of its chart). */
const REFRESH_MS: Record<Exclude<MetricWindow, '5m'>, number> = { '1h': 15_000, '24h': 120_000 };
/** The most series one metricRange call may ask for (the contract's limit). */
const SERIES_PER_CALL = 64;

export type WindowedSeries = { series: ReadonlyMap<string, readonly MetricSample[]>; loading: boolean; error: string | null };

/** Turn history points into samples of the series they belong to. */
export function toSamples(info: MetricSeriesInfo, points: MetricRange['series'][number]['points']): MetricSample[] {
  const base = { series: info.series, metric: info.metric, ...(info.host ? { host: info.host } : {}), ...(info.service ? { service: info.service } : {}), ...(info.unit ? { unit: info.unit } : {}) };
  return points.map((p) => ({ ...base, t: p.t, value: p.avg }));
}

async function fetchWindow(api: ConsoleApi, window: Exclude<MetricWindow, '5m'>): Promise<Map<string, MetricSample[]>> {
  const list = await api.metricSeries({});
  if (!list.ok) throw new Error(list.message);
  const known = new Map(list.value.map((info) => [info.series, info]));
  const names = [...known.keys()];
  const to = Date.now();
  const result = new Map<string, MetricSample[]>();
  for (let at = 0; at < names.length; at += SERIES_PER_CALL) {
    const range = await api.metricRange({ series: names.slice(at, at + SERIES_PER_CALL), window, to });
    if (!range.ok) throw new Error(range.message);
    for (const { series, points } of range.value.series) if (points.length > 0) result.set(series, toSamples(known.get(series)!, points));
  }
  return result;
}

export function useMetricWindow(api: ConsoleApi, window: MetricWindow, live: ReadonlyMap<string, readonly MetricSample[]>): WindowedSeries {
  const [history, setHistory] = useState<WindowedSeries>({ series: new Map(), loading: false, error: null });
  useEffect(() => {
    if (window === '5m') return;
    let cancelled = false;
    const load = () => {
      setHistory((h) => ({ ...h, loading: true }));
      fetchWindow(api, window).then(
        (series) => !cancelled && setHistory({ series, loading: false, error: null }),
        (error: Error) => !cancelled && setHistory((h) => ({ ...h, loading: false, error: `Could not load the ${window} window: ${error.message}` })),
      );
    };
    setHistory({ series: new Map(), loading: true, error: null });
    load();
    const timer = setInterval(load, REFRESH_MS[window]);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, window]);
  return window === '5m' ? { series: live, loading: false, error: null } : history;
}
