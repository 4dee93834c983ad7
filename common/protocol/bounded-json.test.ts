import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode.js';
import { depthExceededAt, describeValue, MAX_JSON_DEPTH, parseBoundedJson } from './bounded-json.js';
import { ClientFrameSchema, ServerFrameSchema } from './frames.js';

const nested = (depth: number, open = '[', close = ']', inner = '') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('parseBoundedJson', () => {
  it('accepts nesting up to the limit and refuses one level more, naming the limit', () => {
    expect(parseBoundedJson(nested(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    const refused = parseBoundedJson(nested(MAX_JSON_DEPTH + 1));
    expect(refused).toEqual({
      ok: false,
      code: 'too_deep',
      message: `nested deeper than ${MAX_JSON_DEPTH} levels (at character ${MAX_JSON_DEPTH})`,
    });
  });

  it('refuses a million levels of arrays or objects without throwing', () => {
    expect(parseBoundedJson(nested(1_000_000))).toMatchObject({ ok: false, code: 'too_deep' });
    const objects = `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`;
    expect(parseBoundedJson(objects)).toMatchObject({ ok: false, code: 'too_deep' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ title: `${'['.repeat(500)}\\"${'{'.repeat(500)}`, q: '"]' });
    expect(depthExceededAt(text, 2)).toBe(-1);
    expect(parseBoundedJson(text)).toMatchObject({ ok: true });
  });

  it('reports malformed JSON with the parser message', () => {
    expect(parseBoundedJson('{"a":')).toMatchObject({ ok: false, code: 'malformed_json' });
  });

  it('refuses an own __proto__ key wherever it stands, spelled plainly or with escapes', () => {
    expect(parseBoundedJson('{"alert":{"labels":{"__proto__":"x"}}}')).toEqual({
      ok: false,
      code: 'forbidden_key',
      message: 'the key "__proto__" is not accepted (at alert.labels)',
    });
    expect(parseBoundedJson('[{"\\u005f_proto__":{}}]')).toMatchObject({
      ok: false,
      code: 'forbidden_key',
      message: expect.stringContaining('(at 0)'),
    });
    expect(parseBoundedJson('{"__proto__":1}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('(at (root))'),
    });
  });

  it('accepts "__proto__" as a value and "constructor" as a key', () => {
    expect(parseBoundedJson('{"title":"__proto__","labels":{"constructor":"y"}}')).toEqual({
      ok: true,
      value: { title: '__proto__', labels: { constructor: 'y' } },
    });
  });
});

describe('describeValue', () => {
  it('describes any value without recursing into it', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeValue(deep)).toBe('an array of 1');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(64)}…"`);
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('null');
  });
});

describe('decodeFrame on hostile nesting', () => {
  it('refuses a frame whose type is nested deeply, on both sides of the protocol', () => {
    for (const depth of [40, 5_000, 50_000, 1_000_000]) {
      const text = `{"type":${nested(depth)}}`;
      expect(decodeFrame(text, ClientFrameSchema)).toMatchObject({ ok: false, code: 'too_deep' });
      expect(decodeFrame(text, ServerFrameSchema)).toMatchObject({ ok: false, code: 'too_deep' });
    }
  });

  it('describes an unknown type that is a shallow container by kind, not by content', () => {
    expect(decodeFrame('{"type":[[1,2],[3]]}', ClientFrameSchema)).toEqual({
      ok: false,
      code: 'unknown_type',
      message: 'unknown frame type an array of 2',
    });
  });
});
