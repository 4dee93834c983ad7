/** Quiet hours on the local wall clock: "22:00"–"07:00" spans midnight. */

/** Minutes since local midnight of an "HH:MM" time. */
function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/**
 * Whether `now` (ms since epoch) falls in [start, end) on the local clock. Equal start and end
 * mean an empty window, never the whole day. `offsetMinutes` is the local offset from UTC at
 * `now` (injected for tests; by default the machine's).
 */
export function inQuietHours(
  now: number,
  start: string,
  end: string,
  offsetMinutes = -new Date(now).getTimezoneOffset(),
): boolean {
  const local = (((Math.floor(now / 60_000) + offsetMinutes) % 1440) + 1440) % 1440;
  const from = minutesOf(start);
  const to = minutesOf(end);
  if (from === to) return false;
  return from < to ? local >= from && local < to : local >= from || local < to;
}
