/** Filter and grouping controls for the board: free text (focus with "/"), severity, category, source, label, acknowledged. */
import type { RefObject } from 'react';
import { CATEGORIES, SEVERITIES, type Severity } from '../../../../common/protocol/alert';
import { SEVERITY_LOOK } from '../../components/SeverityBadge';
import { isFiltering, NO_FILTERS, type BoardFilters as Filters } from './filters';

type Props = {
  filters: Filters;
  onChange: (f: Filters) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  sources: readonly string[];
};

export function BoardFilters({ filters, onChange, searchRef, sources }: Props) {
  const toggle = (severity: Severity) =>
    onChange({
      ...filters,
      severities: filters.severities.includes(severity)
        ? filters.severities.filter((s) => s !== severity)
        : [...filters.severities, severity],
    });
  // A saved source that is not active right now stays selectable, so the filter is visible.
  const sourceOptions =
    filters.source !== 'any' && !sources.includes(filters.source) ? [...sources, filters.source] : sources;
  return (
    <div className="filters" role="search" aria-label="Filter active alerts">
      <input
        ref={searchRef}
        type="search"
        placeholder="Search alerts  ( / )"
        aria-label="Search active alerts"
        value={filters.text}
        onChange={(e) => onChange({ ...filters, text: e.target.value })}
      />
      <div role="group" aria-label="Severity" className="chips">
        {[...SEVERITIES].reverse().map((severity) => (
          <button
            key={severity}
            type="button"
            className={`chip severity-${severity}`}
            aria-pressed={filters.severities.includes(severity)}
            onClick={() => toggle(severity)}
          >
            <span aria-hidden="true">{SEVERITY_LOOK[severity].glyph}</span> {SEVERITY_LOOK[severity].label}
          </button>
        ))}
      </div>
      <label>
        Category{' '}
        <select
          aria-label="Category"
          value={filters.category}
          onChange={(e) => onChange({ ...filters, category: e.target.value as Filters['category'] })}
        >
          <option value="any">any</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        Source{' '}
        <select
          aria-label="Source"
          value={filters.source}
          onChange={(e) => onChange({ ...filters, source: e.target.value })}
        >
          <option value="any">any</option>
          {sourceOptions.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Label{' '}
        <input
          className="label-filter mono"
          placeholder="team=storage"
          aria-label="Label (name or name=value)"
          value={filters.label}
          onChange={(e) => onChange({ ...filters, label: e.target.value })}
        />
      </label>
      <label>
        Acknowledged{' '}
        <select
          aria-label="Acknowledged"
          value={filters.acknowledged}
          onChange={(e) => onChange({ ...filters, acknowledged: e.target.value as Filters['acknowledged'] })}
        >
          <option value="any">any</option>
          <option value="no">no</option>
          <option value="yes">yes</option>
        </select>
      </label>
      <label>
        Group by{' '}
        <select
          aria-label="Group by"
          value={filters.group}
          onChange={(e) => onChange({ ...filters, group: e.target.value as Filters['group'] })}
        >
          <option value="severity">severity</option>
          <option value="host">host</option>
          <option value="flat">nothing (newest first)</option>
        </select>
      </label>
      {isFiltering(filters) && (
        <button type="button" className="link-button" onClick={() => onChange({ ...NO_FILTERS, group: filters.group })}>
          Clear filters
        </button>
      )}
    </div>
  );
}
