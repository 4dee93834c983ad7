/** Alerts fired per minute, as bars (uPlot: fast, small, canvas). */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MinuteCount } from '../../../common/api/contract';

export function MinuteChart({
  counts,
  from,
  to,
  label,
}: {
  counts: readonly MinuteCount[];
  from: number;
  to: number;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue('--muted').trim() || '#999';
    const bar = style.getPropertyValue('--high').trim() || '#f80';
    const xs = counts.map((c) => c.t / 1000);
    const ys = counts.map((c) => c.total);
    const plot = new uPlot(
      {
        width: element.clientWidth || 800,
        height: 120,
        legend: { show: false },
        scales: {
          x: { time: true, range: [from / 1000, to / 1000] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          { stroke: text, grid: { show: false } },
          { stroke: text, size: 40, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        ],
        series: [
          {},
          {
            label: 'alerts per minute',
            stroke: bar,
            fill: bar,
            paths: uPlot.paths.bars!({ size: [0.9, 12] }),
            points: { show: false },
          },
        ],
      },
      [xs, ys],
      element,
    );
    // Follow the container's width (the detail panel opening narrows it).
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth || 800, height: 120 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [counts, from, to]);
  return <div ref={ref} className="minute-chart" role="img" aria-label={label} />;
}
