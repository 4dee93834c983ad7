/**
 * Zabbix's JSON-RPC API (`api_jsonrpc.php`) for acknowledgements: `event.acknowledge` with
 * action 2 (acknowledge) or 16 (unacknowledge), plus 4 (add message) so the Tocsin person
 * and comment are recorded in the problem's history.
 */
import { errorMessage } from '../../../common/protocol/bounded-json.js';

/** Zabbix's `event.acknowledge` action bits. */
export const ACK_ACTIONS = { acknowledge: 2, message: 4, unacknowledge: 16 } as const;

export class ZabbixApi {
  private id = 0;
  constructor(private readonly options: { url: string; apiToken: string; timeoutMs: number }) {}

  /** Call one method; rejects with Zabbix's error message. */
  async call(method: string, params: unknown): Promise<unknown> {
    const url = `${this.options.url.replace(/\/+$/, '')}/api_jsonrpc.php`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json-rpc' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, auth: this.options.apiToken, id: ++this.id }),
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
