/** Frame mutations for the fuzzers: broken JSON, wrong types, unknown types, deep nesting, huge strings. */
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

const WEIRD: unknown[] = [null, true, -1, 1.5, 2 ** 53, '', 'x'.repeat(300), [], {}, { nested: { deeper: [1, 2] } }, '\u0000', '\ud800'];

/** One mutation of `valid` (a valid frame object), chosen by `random`. */
export function mutate(valid: Record<string, unknown>, random: () => number): Mutation {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const text = JSON.stringify(valid);
  switch (Math.floor(random() * 7)) {
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
      return { name: 'huge_string', text: JSON.stringify({ ...valid, extra: 'y'.repeat(100_000 + Math.floor(random() * 400_000)) }) };
    case 5:
      return { name: 'not_an_object', text: JSON.stringify(pick(WEIRD)) };
    default: {
      const chars = [...text];
      for (let i = 0; i < 3; i++) chars[Math.floor(random() * chars.length)] = String.fromCharCode(Math.floor(random() * 128));
      return { name: 'flipped_bytes', text: chars.join('') };
    }
  }
}
