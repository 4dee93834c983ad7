/**
 * Generates docs/protocol.schema.json from the protocol's zod schemas (the single source of
 * truth, common/protocol/frames.ts) with zod 4's own JSON Schema output.
 *   npx tsx scripts/gen-protocol-schema.ts           write it
 *   npx tsx scripts/gen-protocol-schema.ts --check   exit 1 if the committed file is stale
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ClientFrameSchema, PROTOCOL_VERSION, ServerFrameSchema, SUBPROTOCOL } from '../common/protocol/frames.js';

export const SCHEMA_PATH = join(import.meta.dirname, '../docs/protocol.schema.json');

/** The JSON Schema document, as text. */
export function protocolSchemaText(): string {
  const document = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://tocsin.dev/schemas/${SUBPROTOCOL}.json`,
    title: `Tocsin feed protocol v${PROTOCOL_VERSION} (WebSocket subprotocol ${SUBPROTOCOL})`,
    description: 'Generated from common/protocol/frames.ts by scripts/gen-protocol-schema.ts; do not edit.',
    // client: what a gateway accepts (input form: defaulted fields optional, unknown keys allowed);
    // server: what the gateway sends (output form: defaults filled in, no other keys).
    client: z.toJSONSchema(ClientFrameSchema, { io: 'input' }),
    server: z.toJSONSchema(ServerFrameSchema, { io: 'output' }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('gen-protocol-schema.ts')) {
  const fresh = protocolSchemaText();
  if (process.argv.includes('--check')) {
    const current = readFileSync(SCHEMA_PATH, 'utf8');
    if (current !== fresh) {
      console.error('docs/protocol.schema.json is stale: run npx tsx scripts/gen-protocol-schema.ts');
      process.exit(1);
    }
    console.log('docs/protocol.schema.json is up to date');
  } else {
    writeFileSync(SCHEMA_PATH, fresh);
    console.log('wrote docs/protocol.schema.json');
  }
}
