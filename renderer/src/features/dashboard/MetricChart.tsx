/** One metric as a uPlot line chart, redrawn in place as samples arrive or a window reloads. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSample } from '../../../../common/protocol/metrics';

export function MetricChart({
  title,
  points,
  span,
  height = 160,
}: {
  title: string;
  points: readonly MetricSample[];
  span: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = ref.current!;
    const style = getComputedStyle(document.documentElement);
    const stroke = style.getPropertyValue('--focus').trim() || '#39f';
    const text = style.getPropertyValue('--muted').trim() || '#999';
    plot.current = new uPlot(
      {
        width: element.clientWidth || 400,
        height,
        legend: { show: false },
        axes: [
          { stroke: text, grid: { show: false } },
          { stroke: text, size: 50, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        ],
        series: [{}, { label: title, stroke, width: 1.5, points: { show: false } }],
      },
      [[], []],
      element,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth || 400, height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [title, height]);
  useEffect(() => {
    plot.current?.setData([points.map((p) => p.t / 1000), points.map((p) => p.value)]);
  }, [points]);
  return (
    <figure className="metric-chart">
      <figcaption>{title}</figcaption>
      <div ref={ref} role="img" aria-label={`${title}, ${span}: ${points.length} points`} />
    </figure>
  );
}
