/** Filter controls for the board: free text (focus with "/"), severities, category, acknowledged. */
import type { RefObject } from 'react';
import { CATEGORIES, SEVERITIES, type Severity } from '../../../../main/core/protocol/alert';
import type { BoardFilters as Filters } from './filters';

export function BoardFilters({ filters, onChange, searchRef }: { filters: Filters; onChange: (f: Filters) => void; searchRef: RefObject<HTMLInputElement | null> }) {
  const toggle = (severity: Severity) =>
    onChange({ ...filters, severities: filters.severities.includes(severity) ? filters.severities.filter((s) => s !== severity) : [...filters.severities, severity] });
  return (
    <div className="filters" role="search">
      <input
        ref={searchRef}
        type="search"
        placeholder="Search alerts  ( / )"
        aria-label="Search active alerts"
        value={filters.text}
        onChange={(e) => onChange({ ...filters, text: e.target.value })}
      />
      <div role="group" aria-label="Severity">
        {[...SEVERITIES].reverse().map((severity) => (
          <button key={severity} type="button" className={`chip severity-${severity}`} aria-pressed={filters.severities.includes(severity)} onClick={() => toggle(severity)}>
            {severity}
          </button>
        ))}
      </div>
      <label>
        Category{' '}
        <select value={filters.category} onChange={(e) => onChange({ ...filters, category: e.target.value as Filters['category'] })}>
          <option value="any">any</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Acknowledged{' '}
        <select value={filters.acknowledged} onChange={(e) => onChange({ ...filters, acknowledged: e.target.value as Filters['acknowledged'] })}>
          <option value="any">any</option>
          <option value="no">no</option>
          <option value="yes">yes</option>
        </select>
      </label>
    </div>
  );
}
