import { describe, expect, it } from 'vitest';
import { firedChange } from '../../../tests/support/committed-changes.js';
import { DIGEST_COVERS_LIMIT, DigestBuffer, digestText, hostPattern } from './digest.js';
import { inQuietHours } from './quiet-hours.js';

describe('digests', () => {
  it('read well at 3 a.m.: largest category first, hosts collapsed to their tier', () => {
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => firedChange('high', 'outage', `db-${i}`).row),
      ...Array.from({ length: 7 }, () => firedChange('high', 'security', 'vpn-01').row),
      firedChange('high', 'capacity', '').row,
    ];
    expect(digestText(rows)).toEqual({
      title: '38 high alerts',
      body: `${rows[0]!.title} on db-0, ${rows[1]!.title} on db-1 and 36 more (30 outage on db-*, 7 security on vpn-01, 1 capacity)`,
    });
  });

  it('collapse hosts only when they share a meaningful prefix', () => {
    expect(hostPattern(['db-01', 'db-02', 'db-17'])).toBe('db-*');
    expect(hostPattern(['db-01', 'db-01'])).toBe('db-01');
    expect(hostPattern(['web-01', 'db-02'])).toBeNull();
    expect(hostPattern([])).toBeNull();
  });

  it('keep constant memory in a long storm: counts, and a bounded list of covered alerts', () => {
    const buffer = new DigestBuffer();
    for (let i = 0; i < DIGEST_COVERS_LIMIT + 500; i++)
      buffer.add(firedChange(i === 7 ? 'critical' : 'high', 'outage', `db-${i}`).row);
    expect(buffer.size).toBe(DIGEST_COVERS_LIMIT + 500);
    expect(buffer.covers()).toHaveLength(DIGEST_COVERS_LIMIT);
    expect(buffer.worstSeverity()).toBe('critical');
  });
});

describe('quiet hours', () => {
  const at = (h: number, m = 0) => Date.UTC(2026, 0, 1, h, m);
  it('span midnight when the start is after the end; the end is not quiet', () => {
    expect(inQuietHours(at(23), '22:00', '07:00', 0)).toBe(true);
    expect(inQuietHours(at(3), '22:00', '07:00', 0)).toBe(true);
    expect(inQuietHours(at(7), '22:00', '07:00', 0)).toBe(false);
    expect(inQuietHours(at(12, 30), '12:00', '13:00', 0)).toBe(true);
    expect(inQuietHours(at(13), '12:00', '13:00', 0)).toBe(false);
    expect(inQuietHours(at(12), '12:00', '12:00', 0)).toBe(false);
  });
  it('use the local clock: 21:30 UTC is 23:30 at UTC+2', () => {
    expect(inQuietHours(at(21, 30), '22:00', '07:00', 120)).toBe(true);
    expect(inQuietHours(at(21, 30), '22:00', '07:00', 0)).toBe(false);
  });
});
