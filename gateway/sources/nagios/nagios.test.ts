/** The Nagios route and command lines without Nagios (the real one: tests/sources/nagios.real.test.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, post, sourceGateway } from '../../../tests/sources/harness.js';
import { ManualClock } from '../../../tests/support/manual-clock.js';
import { ackCommand } from './commands.js';
import { NagiosConfigSchema } from './config.js';
import { NagiosSource } from './receiver.js';

afterEach(closeAll);

const problem = {
  key: 'PROBLEM|web-1!http|7|CRITICAL',
  type: 'PROBLEM',
  host: 'web-1',
  service: 'http',
  state: 'CRITICAL',
  output: 'down',
};

describe('Nagios notifications', () => {
  it('stores a repeat once, refuses what is not a notification naming the field, resolves on RECOVERY', async () => {
    const { g } = await sourceGateway({ nagios: {} });
    expect((await post(g, '/v1/nagios', problem)).body).toEqual({ published: 1, duplicates: 0 });
    expect((await post(g, '/v1/nagios', problem)).body).toEqual({ published: 0, duplicates: 1 });
    expect(await post(g, '/v1/nagios', { ...problem, state: 'ON FIRE' })).toMatchObject({
      status: 400,
      body: { code: 'invalid_nagios', error: expect.stringMatching(/^state: /) as unknown },
    });
    expect(
      (await post(g, '/v1/nagios', { ...problem, key: 'RECOVERY|web-1!http|7|OK', type: 'RECOVERY', state: 'OK' }))
        .body,
    ).toMatchObject({
      published: 1,
    });
    expect(g.journal.alertState('nagios:web-1!http')?.status).toBe('resolved');
    expect(g.integrations.nagios?.stats.answers).toEqual({ 200: 3, 400: 1 });
  });

  it('fails an ack at once when Nagios is not reading its command file, and counts the next ack Nagios reports', async () => {
    const { g } = await sourceGateway({ nagios: { commandFile: '/nonexistent/nagios.cmd' } });
    await post(g, '/v1/nagios', problem);
    await expect(
      g.integrations.nagios!.onAction(g.journal.alertState('nagios:web-1!http')!, { action: 'acknowledge' }, 'Ann'),
    ).rejects.toThrow(/cannot open Nagios's command file/);
    // The ack never reached Nagios, so the next one Nagios reports is someone else's and counts.
    const ack = { ...problem, key: 'ACKNOWLEDGEMENT|web-1!http|7|CRITICAL', type: 'ACKNOWLEDGEMENT', author: 'Bob' };
    expect((await post(g, '/v1/nagios', ack)).body).toEqual({ published: 1, duplicates: 0 });
    expect(g.journal.alertState('nagios:web-1!http')).toMatchObject({ acknowledged: { by: 'Bob' } });
  });

  it('forgets the acknowledgements it made once Nagios had time to report them', async () => {
    const { g } = await sourceGateway({ nagios: {} });
    for (const host of ['web-1', 'web-2', 'web-3'])
      await post(g, '/v1/nagios', { ...problem, key: `PROBLEM|${host}!http|7|CRITICAL`, host });
    const commandFile = join(mkdtempSync(join(tmpdir(), 'tocsin-nagios-')), 'nagios.cmd');
    writeFileSync(commandFile, '');
    const clock = new ManualClock();
    const source = new NagiosSource(NagiosConfigSchema.parse({ commandFile }), { tokens: [], clock, log: () => {} });
    const ack = (host: string) =>
      source.onAction(g.journal.alertState(`nagios:${host}!http`)!, { action: 'acknowledge' }, 'Ann');
    await ack('web-1');
    await ack('web-2');
    expect(source.ownAcksAwaited).toBe(2);
    clock.advance(61_000);
    await ack('web-3');
    expect(source.ownAcksAwaited).toBe(1);
    expect(readFileSync(commandFile, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('writes external commands with nothing a person typed able to split them', () => {
    expect(
      ackCommand(
        { host: 'web-1', service: 'http' },
        { acknowledge: true, author: 'Ann', comment: 'a;b\nc', sticky: true },
        1_700_000_000,
      ),
    ).toBe('[1700000000] ACKNOWLEDGE_SVC_PROBLEM;web-1;http;2;1;1;Ann;a b c\n');
    expect(ackCommand({ host: 'db-1' }, { acknowledge: false }, 1)).toBe('[1] REMOVE_HOST_ACKNOWLEDGEMENT;db-1\n');
  });
});
