/** docs/protocol.md and docs/protocol.schema.json cannot fall behind the protocol's schema module. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientFrameSchema, CloseCode, ServerFrameSchema } from '../common/protocol/frames.js';
import { protocolSchemaText, SCHEMA_PATH } from './gen-protocol-schema.js';

const doc = readFileSync(join(import.meta.dirname, '../docs/protocol.md'), 'utf8');
type FrameUnion = typeof ClientFrameSchema | typeof ServerFrameSchema;
const types = (schema: FrameUnion) => schema.options.map((o) => o.shape.type.value as string);

/** The text under a `### heading`, up to the next heading of level 2 or 3. */
function section(heading: string): string {
  const start = doc.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no "### ${heading}" section`);
  const rest = doc.slice(start + heading.length + 6);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Each `#### \`type\`` subsection of a direction's section, with the JSON examples it holds. */
function documentedFrames(text: string): Map<string, string[]> {
  const frames = new Map<string, string[]>();
  for (const part of text.split(/\n#### /).slice(1)) {
    const type = /^`([a-z_]+)`\n/.exec(part)?.[1];
    if (!type) throw new Error(`a frame heading is not a backticked type: ${part.split('\n')[0]}`);
    frames.set(
      type,
      [...part.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!),
    );
  }
  return frames;
}

const directions: Array<[string, FrameUnion]> = [
  ['Client → gateway', ClientFrameSchema],
  ['Gateway → client', ServerFrameSchema],
];

describe('the published protocol', () => {
  it('has a committed JSON Schema identical to a fresh generation from the zod schemas', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(protocolSchemaText());
  });

  it('mentions every frame type of both directions', () => {
    for (const type of [...types(ClientFrameSchema), ...types(ServerFrameSchema)])
      expect(doc, `frame ${type}`).toContain(`\`${type}\``);
  });

  for (const [heading, schema] of directions) {
    it(`documents exactly the ${heading} frames, each with a JSON example the schema accepts`, () => {
      const frames = documentedFrames(section(heading));
      expect([...frames.keys()].sort()).toEqual(types(schema).sort());
      for (const [type, examples] of frames) {
        expect(examples.length, `${heading} ${type}: a JSON example`).toBeGreaterThan(0);
        for (const example of examples) {
          const parsed = schema.safeParse(JSON.parse(example));
          expect(parsed.error?.issues ?? [], `${heading} ${type}: ${example}`).toEqual([]);
          expect(parsed.data?.type, `${heading} ${type}: example of another type`).toBe(type);
        }
      }
    });
  }

  it('documents every close code by name and number', () => {
    for (const [name, code] of Object.entries(CloseCode))
      expect(doc, `close code ${name}`).toMatch(new RegExp(`\\| ${code} \\| \`${name}\` \\|`));
  });
});
