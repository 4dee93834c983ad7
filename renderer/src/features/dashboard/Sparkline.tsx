/** A tiny SVG line of recent values: cheap enough for a hundred series updating every second. */
import type { MetricSample } from '../../../../common/protocol/metrics';

export function Sparkline({
  points,
  label,
  width = 120,
  height = 28,
}: {
  points: readonly MetricSample[];
  label: string;
  width?: number;
  height?: number;
}) {
  if (points.length < 2)
    return <svg width={width} height={height} role="img" aria-label={`${label}: waiting for data`} />;
  const values = points.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = width / (points.length - 1);
  const path = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`)
    .join(' ');
  const last = points[points.length - 1]!;
  return (
    <svg
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: ${formatValue(last.value, last.unit)}`}
      className="sparkline"
    >
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

/** "42.1 %", "812 req/s", "230 ms". */
export function formatValue(value: number, unit?: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : 1;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}
