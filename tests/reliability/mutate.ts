/**
 * Frame mutations for the fuzzers: broken JSON, wrong types, unknown types, deep nesting at the
 * top and inside any field (the `type` field included), huge strings.
 */
export type Mutation = { name: string; text: string };

/** A seeded PRNG so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [
  null,
  true,
  -1,
  1.5,
  2 ** 53,
  '',
  'x'.repeat(300),
  [],
  {},
  { nested: { deeper: [1, 2] } },
  '\u0000',
  '\ud800',
];

/** One mutation of `valid` (a valid frame object), chosen by `random`. */
export function mutate(valid: Record<string, unknown>, random: () => number): Mutation {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const text = JSON.stringify(valid);
  switch (Math.floor(random() * 8)) {
    case 0:
      return { name: 'truncated_json', text: text.slice(0, Math.max(1, Math.floor(random() * text.length))) };
    case 1: {
      const key = pick(Object.keys(valid));
      return { name: 'wrong_type', text: JSON.stringify({ ...valid, [key]: pick(WEIRD) }) };
    }
    case 2:
      return { name: 'unknown_type', text: JSON.stringify({ ...valid, type: `x-${Math.floor(random() * 1e6)}` }) };
    case 3: {
      const depth = 100 + Math.floor(random() * 5000);
      return { name: 'deep_nesting', text: `${'['.repeat(depth)}${']'.repeat(depth)}` };
    }
    case 4:
      return {
        name: 'huge_string',
        text: JSON.stringify({ ...valid, extra: 'y'.repeat(100_000 + Math.floor(random() * 400_000)) }),
      };
    case 5:
      return { name: 'not_an_object', text: JSON.stringify(pick(WEIRD)) };
    case 6: {
      const path = pick(fieldPaths(valid));
      return { name: 'deep_field', text: withDeepValue(valid, path, deepDepth(random)) };
    }
    default: {
      const chars = [...text];
      for (let i = 0; i < 3; i++)
        chars[Math.floor(random() * chars.length)] = String.fromCharCode(Math.floor(random() * 128));
      return { name: 'flipped_bytes', text: chars.join('') };
    }
  }
}

/** Nesting depths from just past the limit to 200,000 levels, spread evenly on a log scale (the longest frame stays under 1 MiB). */
function deepDepth(random: () => number): number {
  return Math.floor(33 * Math.pow(200_000 / 33, random()));
}

/** Every path to a field of `value`, nested objects included: `["type"]`, `["event", "alert", "labels"]`, … */
export function fieldPaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, key];
    return child !== null && typeof child === 'object' && !Array.isArray(child)
      ? [path, ...fieldPaths(child as Record<string, unknown>, path)]
      : [path];
  });
}

/** `valid` as JSON text with the field at `path` replaced by arrays nested `depth` levels deep. */
export function withDeepValue(valid: Record<string, unknown>, path: readonly string[], depth: number): string {
  const marker = '"__deep_marker__"';
  const copy = structuredClone(valid);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path.at(-1)!] = '__deep_marker__';
  return JSON.stringify(copy).replace(marker, `${'['.repeat(depth)}${']'.repeat(depth)}`);
}
