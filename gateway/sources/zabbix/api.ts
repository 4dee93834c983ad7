/**
 * Zabbix's JSON-RPC API (`api_jsonrpc.php`) for acknowledgements: `event.acknowledge` with
 * action 2 (acknowledge) or 16 (unacknowledge), plus 4 (add message) so the Tocsin person
 * and comment are recorded in the problem's history.
 *
 * The token goes where the server's version takes it: in the request body's `auth` before
 * Zabbix 6.4, in an `Authorization: Bearer` header from 6.4 on (7.2 refuses `auth` in the body).
 * The version is asked once (`apiinfo.version`, which takes no token) before the first call.
 */
import { errorMessage } from '../../../common/protocol/bounded-json.js';

/** Zabbix's `event.acknowledge` action bits. */
export const ACK_ACTIONS = { acknowledge: 2, message: 4, unacknowledge: 16 } as const;

/** How a Zabbix server takes the API token. */
export type ZabbixAuthStyle = 'body' | 'header';

/** The auth style of a Zabbix version string (`apiinfo.version`: "6.0.14", "7.4.0"). */
export function authStyleOf(version: string): ZabbixAuthStyle {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`Zabbix API version ${JSON.stringify(version.slice(0, 40))} not understood`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 6 || (major === 6 && minor >= 4) ? 'header' : 'body';
}

export class ZabbixApi {
  private id = 0;
  private style: Promise<ZabbixAuthStyle> | null = null;
  constructor(private readonly options: { url: string; apiToken: string; timeoutMs: number }) {}

  /** Call one method with the token; rejects with Zabbix's error message. */
  async call(method: string, params: unknown): Promise<unknown> {
    return this.request(method, params, await this.authStyle());
  }

  /** How this server takes the token: asked once; a failed answer is asked again next time. */
  authStyle(): Promise<ZabbixAuthStyle> {
    this.style ??= this.request('apiinfo.version', {}, 'none').then(
      (version) => authStyleOf(String(version)),
      (error: unknown) => {
        this.style = null;
        throw error;
      },
    );
    return this.style;
  }

  private async request(method: string, params: unknown, auth: ZabbixAuthStyle | 'none'): Promise<unknown> {
    const url = `${this.options.url.replace(/\/+$/, '')}/api_jsonrpc.php`;
    const headers: Record<string, string> = { 'content-type': 'application/json-rpc' };
    if (auth === 'header') headers.authorization = `Bearer ${this.options.apiToken}`;
    const payload = { jsonrpc: '2.0', method, params, ...(auth === 'body' ? { auth: this.options.apiToken } : {}) };
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...payload, id: ++this.id }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new Error(`Zabbix API ${url} unreachable: ${errorMessage(error)}`);
    }
    const body = (await response.json().catch(() => null)) as {
      result?: unknown;
      error?: { message?: string; data?: string };
    } | null;
    if (!response.ok || body === null) throw new Error(`Zabbix API answered ${response.status}`);
    if (body.error) throw new Error(`Zabbix API: ${body.error.message ?? 'error'} ${body.error.data ?? ''}`.trim());
    return body.result;
  }

  /** Acknowledge (or unacknowledge) problem event `eventId`, with a message (at most 2048 characters) naming the Tocsin person. */
  async acknowledge(eventId: string, acknowledge: boolean, message: string): Promise<void> {
    await this.call('event.acknowledge', {
      eventids: [eventId],
      action: (acknowledge ? ACK_ACTIONS.acknowledge : ACK_ACTIONS.unacknowledge) | ACK_ACTIONS.message,
      message,
    });
  }
}
