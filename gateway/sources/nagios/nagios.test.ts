/** The Nagios route and command lines without Nagios (the real one: tests/sources/nagios.real.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, post, sourceGateway } from '../../../tests/sources/harness.js';
import { ackCommand } from './commands.js';

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

  it('fails an ack at once when Nagios is not reading its command file', async () => {
    const { g } = await sourceGateway({ nagios: { commandFile: '/nonexistent/nagios.cmd' } });
    await post(g, '/v1/nagios', problem);
    await expect(
      g.integrations.nagios!.onAction(g.journal.alertState('nagios:web-1!http')!, { action: 'acknowledge' }, 'Ann'),
    ).rejects.toThrow(/cannot open Nagios's command file/);
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
