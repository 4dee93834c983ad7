/** docs/protocol.md and docs/protocol.schema.json cannot fall behind the protocol's schema module. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClientFrameSchema, CloseCode, ServerFrameSchema } from '../main/core/protocol/frames.js';
import { protocolSchemaText, SCHEMA_PATH } from './gen-protocol-schema.js';

const doc = readFileSync(join(import.meta.dirname, '../docs/protocol.md'), 'utf8');
const types = (schema: typeof ClientFrameSchema | typeof ServerFrameSchema) => schema.options.map((o) => o.shape.type.value as string);

describe('the published protocol', () => {
  it('has a committed JSON Schema identical to a fresh generation from the zod schemas', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(protocolSchemaText());
  });
  it('documents every frame type in both directions', () => {
    for (const type of [...types(ClientFrameSchema), ...types(ServerFrameSchema)]) expect(doc, `frame ${type}`).toContain(`\`${type}\``);
  });
  it('documents every close code by name and number', () => {
    for (const [name, code] of Object.entries(CloseCode)) expect(doc, `close code ${name}`).toMatch(new RegExp(`\\| ${code} \\| \`${name}\` \\|`));
  });
});
