/**
 * `npm run gateway -- --config FILE`: the Tocsin gateway on its own. Prints its feed URL and
 * stops cleanly (journal closed) on SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './gateway.js';
import { errorMessage } from '../common/protocol/bounded-json.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help || !values.config) {
    console.log('usage: npm run gateway -- --config FILE   (see gateway/examples/gateway.json)');
    process.exit(values.help ? 0 : 2);
  }
  const config = await loadGatewayConfig(values.config);
  const gateway = await startGateway(config, { log: (message) => console.error(`gateway: ${message}`) });
  console.log(`Tocsin gateway: ${gateway.url}`);
  const journal =
    config.journal.kind === 'jetstream'
      ? `stream ${config.journal.stream} on ${config.journal.servers?.join(', ')}`
      : config.journal.path;
  console.log(`  journal: ${journal}${config.demo.enabled ? '; demo simulator on' : ''}`);
  const stop = async (signal: string) => {
    console.log(`${signal}: closing the gateway`);
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`Tocsin gateway could not start: ${errorMessage(error)}`);
  process.exit(1);
});
