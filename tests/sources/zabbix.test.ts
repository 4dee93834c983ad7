/**
 * The Zabbix media type shipped in deploy/zabbix, run as Zabbix runs a webhook script (the
 * script's body as a function of `value`, the JSON of its parameters; a synchronous
 * `HttpRequest`, here backed by curl; `Zabbix.log`) against a real gateway, with parameter
 * values as Zabbix resolves its documented macros, an unresolved macro arriving as its own
 * text. No Zabbix server runs: acknowledgements back go to a stand-in for Zabbix's JSON-RPC API
 * that records what `event.acknowledge` was sent (the real Zabbix 6.0: zabbix.real.test.ts; no
 * later Zabbix is packaged here, so the header the API takes from 6.4 on is checked only here).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../gateway/gateway.js';
import { ZabbixApi } from '../../gateway/sources/zabbix/api.js';
import { FeedProbe } from '../support/real-monitoring.js';
import { closeAll, post, sourceGateway } from './harness.js';

afterEach(closeAll);

const ANN = 'ann-laptop-token-0123456789';
const ZABBIX_TOKEN = 'zabbix-media-token-0123456789';

/** The `script: |` block of the media type export. */
function mediaTypeScript(): string {
  const lines = readFileSync(join(import.meta.dirname, '../../deploy/zabbix/media_tocsin.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === 'script: |') + 1;
  const indent = lines[start]!.match(/^ */)![0].length;
  const end = lines.findIndex((line, i) => i >= start && line.trim() !== '' && line.match(/^ */)![0].length < indent);
  return lines
    .slice(start, end)
    .map((line) => line.slice(indent))
    .join('\n');
}

/**
 * Runs in a child process: Zabbix's HttpRequest is synchronous (curl here), which would block
 * this process's event loop and with it the gateway the script posts to.
 */
const RUNNER = `
const { execFileSync } = require('node:child_process');
const { runInNewContext } = require('node:vm');
class HttpRequest {
  constructor() { this.headers = []; this.status = 0; }
  addHeader(header) { this.headers.push(header); }
  post(url, data) {
    const args = ['-sS', '-o', '-', '-w', '\\n%{http_code}', '-X', 'POST'];
    for (const h of this.headers) args.push('-H', h);
    const out = execFileSync('curl', [...args, '--data-binary', '@-', url], { input: data, encoding: 'utf8' });
    const at = out.lastIndexOf('\\n');
    this.status = Number(out.slice(at + 1));
    return out.slice(0, at);
  }
  getStatus() { return this.status; }
}
const { script, value } = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
try {
  const result = runInNewContext('(function (value) {\\n' + script + '\\n})(value)', { value, HttpRequest, Zabbix: { log() {} } });
  process.stdout.write(JSON.stringify({ ok: true, value: result }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, value: String(error) }));
}
`;

/** Run the media type's script as Zabbix does; its return value, or what it threw. */
async function runMediaType(params: Record<string, string>): Promise<{ ok: boolean; value: string }> {
  const child = execFile(process.execPath, ['-e', RUNNER], { encoding: 'utf8' });
  child.stdin!.end(JSON.stringify({ script: mediaTypeScript(), value: JSON.stringify(params) }));
  let out = '';
  child.stdout!.on('data', (chunk: string) => (out += chunk));
  await new Promise<void>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`runner exited ${code}`)))),
  );
  return JSON.parse(out) as { ok: boolean; value: string };
}

/** Parameter values as Zabbix resolves the media type's macros for a trigger problem. */
function params(g: Gateway, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    alert_message: 'Zabbix agent is not available (for 3m) on web-1: ',
    event_id: '1234',
    event_name: 'Zabbix agent is not available (for 3m)',
    event_nseverity: '3',
    event_opdata: '',
    event_severity: 'Average',
    event_source: '0',
    event_tags: '[{"tag":"scope","value":"availability"},{"tag":"component","value":"system"}]',
    event_update_action: '{EVENT.UPDATE.ACTION}',
    event_update_message: '{EVENT.UPDATE.MESSAGE}',
    event_update_status: '0',
    event_update_user: '{USER.FULLNAME}',
    event_value: '1',
    host_host: 'web-1',
    host_ip: '192.0.2.10',
    host_name: 'web-1',
    tocsin_token: ZABBIX_TOKEN,
    tocsin_url: `http://127.0.0.1:${g.port}`,
    trigger_id: '22391',
    zabbix_url: 'https://zabbix.example.com/',
    ...overrides,
  };
}

/**
 * A stand-in for Zabbix's api_jsonrpc.php: records each call, answers `apiinfo.version` with
 * `version` and event.acknowledge, and takes the token as that version documents: Zabbix 6.0 in
 * the body's `auth` only; later versions in an `Authorization: Bearer` header only, refusing
 * `auth` in the body as 7.2 and later do ("unexpected parameter"; 6.4 still took it).
 */
async function fakeZabbixApi(
  version = '6.0.14',
): Promise<{ url: string; calls: Array<Record<string, unknown>>; server: Server }> {
  const calls: Array<Record<string, unknown>> = [];
  const headerAuth = !version.startsWith('6.0');
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string; auth?: string; params: { eventids: string[] } };
      const authorization = request.headers.authorization;
      calls.push({ path: request.url, ...call, ...(authorization ? { authorization } : {}) });
      const answer = (reply: object) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', ...reply, id: call.id }));
      };
      if (call.method === 'apiinfo.version') return answer({ result: version });
      if (headerAuth && call.auth !== undefined)
        return answer({
          error: {
            code: -32600,
            message: 'Invalid request.',
            data: 'Invalid parameter "/": unexpected parameter "auth".',
          },
        });
      const token = headerAuth ? authorization?.replace(/^Bearer /, '') : call.auth;
      if (token !== 'zabbix-api-token')
        return answer({ error: { code: -32602, message: 'Invalid params.', data: 'Not authorized.' } });
      answer({ result: { eventids: call.params.eventids.map(Number) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls, server };
}

describe('Zabbix media type (script run as Zabbix runs it; no Zabbix server)', () => {
  it('is ECMAScript 5, as Zabbix’s Duktape needs', () => {
    const script = mediaTypeScript();
    expect(script).toMatch(/return Tocsin\.send\(JSON\.parse\(value\)\);/);
    expect(script).not.toMatch(/=>|`|\blet\s|\bconst\s|\bclass\s/);
  });

  it('posts a problem, its resolution and an acknowledgement made in Zabbix', async () => {
    const { g } = await sourceGateway({ zabbix: { tokens: [ZABBIX_TOKEN] } });
    // Zabbix 6.0 resolves a macro it has no value for to *UNKNOWN*: no body is made of it.
    expect(await runMediaType(params(g, { event_opdata: '*UNKNOWN*', host_ip: '*UNKNOWN*' }))).toEqual({
      ok: true,
      value: 'OK',
    });
    expect(g.journal.alertState('zabbix:1234')).toMatchObject({
      source: 'zabbix',
      status: 'firing',
      title: 'Zabbix agent is not available (for 3m)',
      body: 'Zabbix agent is not available (for 3m) on web-1: ',
      severity: 'warning',
      category: 'outage',
      host: 'web-1',
      url: 'https://zabbix.example.com/tr_events.php?triggerid=22391&eventid=1234',
      labels: { alertname: 'Zabbix agent is not available (for 3m)', severity: 'average', scope: 'availability' },
    });
    // Zabbix retries a delivery it thinks failed: nothing is stored twice.
    expect((await runMediaType(params(g))).ok).toBe(true);
    // As Zabbix 6.0 resolves them (tests/sources/zabbix.real.test.ts).
    const update = {
      event_update_status: '1',
      event_update_action: 'acknowledged and commented',
      event_update_message: 'on it',
      event_update_user: 'Zabbix Administrator (Admin)',
    };
    expect((await runMediaType(params(g, update))).ok).toBe(true);
    expect(g.journal.alertState('zabbix:1234')?.acknowledged).toMatchObject({
      by: 'Zabbix Administrator (Admin)',
      comment: 'on it',
    });
    expect((await runMediaType(params(g, { event_value: '0', alert_message: 'Resolved' }))).ok).toBe(true);
    expect(g.journal.alertState('zabbix:1234')?.status).toBe('resolved');
    expect(g.journal.bounds().last).toBe(3);
  });

  it('fails loudly (Zabbix retries) when the gateway refuses or cannot be reached', async () => {
    const { g } = await sourceGateway({ zabbix: { tokens: [ZABBIX_TOKEN] } });
    expect(await runMediaType(params(g, { event_id: '{EVENT.ID}' }))).toMatchObject({
      ok: false,
      value: expect.stringMatching(/event_id is missing/) as unknown,
    });
    expect((await runMediaType(params(g, { tocsin_token: 'not-the-token-0123456789' }))).value).toMatch(
      /Tocsin answered 401/,
    );
    expect(await post(g, '/v1/zabbix', { eventId: 'x', kind: 'problem', name: 'n' }, ZABBIX_TOKEN)).toMatchObject({
      status: 400,
      body: { code: 'invalid_zabbix', error: expect.stringMatching(/^eventId: /) as unknown },
    });
    expect(await runMediaType(params(g, { tocsin_url: 'http://127.0.0.1:1' }))).toMatchObject({
      ok: false,
      value: expect.stringMatching(/Sending to Tocsin failed/) as unknown,
    });
  });

  it('acknowledges in Zabbix through event.acknowledge, naming the Tocsin person, and ignores the echo', async () => {
    const api = await fakeZabbixApi();
    try {
      const { g, probe } = await sourceGateway({
        people: [{ id: 'ann', name: 'Ann Example', tokens: [ANN] }],
        zabbix: { tokens: [ZABBIX_TOKEN], url: api.url, apiToken: 'zabbix-api-token' },
      });
      expect((await runMediaType(params(g, { event_severity: 'Disaster' }))).ok).toBe(true);
      expect(g.journal.alertState('zabbix:1234')?.severity).toBe('critical');
      const ann = await FeedProbe.open(g.url, ANN);
      try {
        ann.send({
          type: 'action',
          id: 'ack-zabbix-0001',
          alertId: 'zabbix:1234',
          by: 'x',
          request: { action: 'acknowledge', comment: 'disk swap' },
        });
        const result = await ann.waitFor((r) => r.frame.type === 'action_result', 10_000);
        expect(result.frame).toMatchObject({ ok: true });
      } finally {
        await ann.close();
      }
      expect(api.calls).toEqual([
        expect.objectContaining({ method: 'apiinfo.version', params: {} }),
        expect.objectContaining({
          path: '/api_jsonrpc.php',
          method: 'event.acknowledge',
          auth: 'zabbix-api-token',
          params: { eventids: ['1234'], action: 6, message: 'Acknowledged in Tocsin by Ann Example: disk swap' },
        }),
      ]);
      // With the media on another user than the API token's, Zabbix's update operation echoes
      // the ack back: Tocsin has it already. Someone commenting in Zabbix meanwhile is no echo.
      const echo = {
        event_update_status: '1',
        event_update_action: 'acknowledged and commented',
        event_update_message: 'Acknowledged in Tocsin by Ann Example: disk swap',
        event_update_user: 'Tocsin gateway (tocsin)',
      };
      expect((await runMediaType(params(g, echo))).ok).toBe(true);
      expect(g.journal.alertState('zabbix:1234')?.acknowledged).toMatchObject({ by: 'Ann Example' });
      const comment = {
        event_update_status: '1',
        event_update_action: 'commented',
        event_update_message: 'need a hand?',
        event_update_user: 'Bob Operator (bob)',
      };
      expect((await runMediaType(params(g, comment))).ok).toBe(true);
      await probe.waitFor((r) => r.frame.type === 'event' && r.frame.event.kind === 'commented', 5_000);
      expect(probe.events().map((r) => r.frame.event.kind)).toEqual(['fired', 'acknowledged', 'commented']);
    } finally {
      api.server.close();
    }
  });

  it('a severity changed in Zabbix fires the alert again with it, once however often Zabbix delivers it', async () => {
    const { g, probe } = await sourceGateway({ zabbix: { tokens: [ZABBIX_TOKEN] } });
    expect((await runMediaType(params(g))).ok).toBe(true);
    // Without the API configured, an ack stays in Tocsin.
    probe.send({
      type: 'action',
      id: 'ack-before-0001',
      alertId: 'zabbix:1234',
      by: 'Ann',
      request: { action: 'acknowledge' },
    });
    await probe.waitFor((r) => r.frame.type === 'action_result', 5_000);
    const raised = params(g, {
      event_update_status: '1',
      event_update_action: 'changed severity from Average to Disaster',
      event_update_message: '',
      event_update_user: 'Bob Operator (bob)',
      event_severity: 'Disaster',
      event_nseverity: '5',
    });
    // Zabbix retries a delivery it took for failed: the second finds the severity already set.
    expect((await runMediaType(raised)).ok).toBe(true);
    expect((await runMediaType(raised)).ok).toBe(true);
    expect(g.journal.bounds().last).toBe(3);
    await probe.waitFor((r) => r.frame.type === 'event' && r.frame.seq === 3, 5_000);
    expect(probe.events().map((r) => r.frame.event.kind)).toEqual(['fired', 'acknowledged', 'fired']);
    expect(g.journal.alertState('zabbix:1234')).toMatchObject({
      severity: 'critical',
      labels: { severity: 'disaster' },
      title: 'Zabbix agent is not available (for 3m)',
      firstSeq: 1,
      acknowledged: { by: expect.any(String) as unknown },
    });
  });

  it('sends the API token the way the server’s version takes it, asking the version once', async () => {
    for (const [version, sent] of [
      ['6.0.14', { auth: 'zabbix-api-token' }],
      ['6.4.21', { authorization: 'Bearer zabbix-api-token' }],
      ['7.4.2', { authorization: 'Bearer zabbix-api-token' }],
    ] as const) {
      const api = await fakeZabbixApi(version);
      try {
        const client = new ZabbixApi({ url: api.url, apiToken: 'zabbix-api-token', timeoutMs: 5_000 });
        await client.acknowledge('1234', true, 'Acknowledged in Tocsin by Ann');
        await client.acknowledge('1234', false, 'Unacknowledged in Tocsin by Ann');
        expect(
          api.calls.map((c) => c.method),
          version,
        ).toEqual(['apiinfo.version', 'event.acknowledge', 'event.acknowledge']);
        expect(api.calls[0], version).not.toHaveProperty('auth');
        expect(api.calls[0], version).not.toHaveProperty('authorization');
        for (const call of api.calls.slice(1)) {
          expect(call, version).toMatchObject(sent);
          expect(call, version).not.toHaveProperty('auth' in sent ? 'authorization' : 'auth');
        }
      } finally {
        api.server.close();
      }
    }
    // A version it cannot read is said, naming it; an unreachable server is asked again next time.
    const odd = await fakeZabbixApi('trunk');
    try {
      const client = new ZabbixApi({ url: odd.url, apiToken: 'zabbix-api-token', timeoutMs: 5_000 });
      await expect(client.acknowledge('1', true, 'x')).rejects.toThrow('Zabbix API version "trunk" not understood');
    } finally {
      odd.server.close();
    }
    const gone = new ZabbixApi({ url: 'http://127.0.0.1:1', apiToken: 'zabbix-api-token', timeoutMs: 5_000 });
    await expect(gone.authStyle()).rejects.toThrow(/Zabbix API http:\/\/127\.0\.0\.1:1\/api_jsonrpc\.php unreachable/);
    await expect(gone.authStyle()).rejects.toThrow(/unreachable/);
  });
});
