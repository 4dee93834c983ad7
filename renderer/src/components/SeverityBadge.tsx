/** Severity and category shown by shape, text and colour together: never by colour alone. */
import type { Category, Severity } from '../../../common/protocol/alert';

/** Shape and word of each severity (colour comes from the stylesheet's `severity-*` classes). */
export const SEVERITY_LOOK: Record<Severity, { glyph: string; label: string }> = {
  critical: { glyph: '◆', label: 'Critical' },
  high: { glyph: '▲', label: 'High' },
  warning: { glyph: '●', label: 'Warning' },
  info: { glyph: '○', label: 'Info' },
};
/** Shape and word of each category. */
export const CATEGORY_LOOK: Record<Category, { glyph: string; label: string }> = {
  security: { glyph: '⚔', label: 'Security' },
  outage: { glyph: '✖', label: 'Outage' },
  performance: { glyph: '◷', label: 'Performance' },
  capacity: { glyph: '▤', label: 'Capacity' },
  other: { glyph: '•', label: 'Other' },
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  const { glyph, label } = SEVERITY_LOOK[severity];
  return (
    <span className={`badge severity-${severity}`}>
      <span aria-hidden="true">{glyph}</span> {label}
    </span>
  );
}

export function CategoryBadge({ category }: { category: Category }) {
  const { glyph, label } = CATEGORY_LOOK[category];
  return (
    <span className={`category category-${category}`}>
      <span aria-hidden="true">{glyph}</span> {label}
    </span>
  );
}

/** "12 s", "4 min", "3 h": how long ago, compactly. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}
