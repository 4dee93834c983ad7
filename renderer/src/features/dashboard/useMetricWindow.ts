/**
 * The samples a dashboard shows for its time window: the last five minutes live from the feed
 * (begun with the history's points from before the page opened, so a fresh window is not
 * empty), or an hour or a day from the core's metric history (averaged per step, refreshed
 * while the window is open). Either way the result has the live series' shape, so the grid and
 * the charts draw both the same way.
 */
import { useEffect, useMemo, useState } from 'react';
import type { MetricRange, MetricSeriesInfo } from '../../../../common/api/contract';
import type { MetricSample } from '../../../../common/protocol/metrics';
import type { ConsoleApi } from '../../api/get-api';

export type MetricWindow = '5m' | '1h' | '24h';
export const WINDOW_LABELS: Record<MetricWindow, string> = {
  '5m': 'last 5 minutes, live',
  '1h': 'last hour, from history',
  '24h': 'last 24 hours, from history',
};
/** How often a history window is fetched again (about one step of its chart). */
const REFRESH_MS: Record<MetricWindow, number | null> = { '5m': null, '1h': 15_000, '24h': 120_000 };
/** The most series one metricRange call may ask for (the contract's limit). */
const SERIES_PER_CALL = 64;

export type WindowedSeries = {
  series: ReadonlyMap<string, readonly MetricSample[]>;
  loading: boolean;
  error: string | null;
};

/** Turn history points into samples of the series they belong to. */
export function toSamples(info: MetricSeriesInfo, points: MetricRange['series'][number]['points']): MetricSample[] {
  const base = {
    series: info.series,
    metric: info.metric,
    ...(info.host ? { host: info.host } : {}),
    ...(info.service ? { service: info.service } : {}),
    ...(info.unit ? { unit: info.unit } : {}),
  };
  return points.map((p) => ({ ...base, t: p.t, value: p.avg }));
}

async function fetchWindow(api: ConsoleApi, window: MetricWindow): Promise<Map<string, MetricSample[]>> {
  const list = await api.metricSeries({});
  if (!list.ok) throw new Error(list.message);
  const known = new Map(list.value.map((info) => [info.series, info]));
  const names = [...known.keys()];
  const to = Date.now();
  const result = new Map<string, MetricSample[]>();
  for (let at = 0; at < names.length; at += SERIES_PER_CALL) {
    const range = await api.metricRange({ series: names.slice(at, at + SERIES_PER_CALL), window, to });
    if (!range.ok) throw new Error(range.message);
    for (const { series, points } of range.value.series)
      if (points.length > 0) result.set(series, toSamples(known.get(series)!, points));
  }
  return result;
}

/** History points from before the first live sample of each series, then the live samples. */
export function joinLive(
  history: ReadonlyMap<string, readonly MetricSample[]>,
  live: ReadonlyMap<string, readonly MetricSample[]>,
): Map<string, readonly MetricSample[]> {
  const joined = new Map<string, readonly MetricSample[]>(history);
  for (const [series, points] of live) {
    const first = points[0]?.t ?? Infinity;
    const before = (history.get(series) ?? []).filter((p) => p.t < first);
    joined.set(series, before.length ? [...before, ...points] : points);
  }
  return joined;
}

export function useMetricWindow(
  api: ConsoleApi,
  window: MetricWindow,
  live: ReadonlyMap<string, readonly MetricSample[]>,
): WindowedSeries {
  const [history, setHistory] = useState<WindowedSeries>({ series: new Map(), loading: false, error: null });
  useEffect(() => {
    let cancelled = false;
    const load = () => {
      setHistory((h) => ({ ...h, loading: true }));
      fetchWindow(api, window).then(
        (series) => !cancelled && setHistory({ series, loading: false, error: null }),
        (error: Error) =>
          !cancelled &&
          setHistory((h) => ({ ...h, loading: false, error: `Could not load the ${window} window: ${error.message}` })),
      );
    };
    setHistory({ series: new Map(), loading: true, error: null });
    load();
    const every = REFRESH_MS[window];
    const timer = every === null ? null : setInterval(load, every);
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [api, window]);
  const started = useMemo(
    () => (window === '5m' ? joinLive(history.series, live) : null),
    [window, history.series, live],
  );
  return started ? { ...history, series: started } : history;
}
