/**
 * Acknowledging an Alertmanager alert in Tocsin silences it in Alertmanager (as Karma does);
 * unacknowledging expires that silence. The handler runs before the gateway journals the
 * action: if Alertmanager refuses, the action fails with `source_failed` and no
 * acknowledgement is recorded.
 *
 * Silence ids are kept in a small SQLite file (by default beside the journal) rather than a
 * JSON file: better-sqlite3 is already the gateway's store, each write is atomic and durable
 * without a write-and-rename dance, and acks of different alerts update one row each instead
 * of rewriting a whole file. It lives outside the journal so the journal's migrations stay
 * the journal's own.
 */
import Database from 'better-sqlite3';
import type { AlertState } from '../../../common/protocol/alert.js';
import type { Action } from '../../../common/protocol/frames.js';
import type { EventSink, SourceActionHandler } from '../sink.js';
import { ALERTMANAGER_SOURCE, dedupKey } from './payload.js';
import { errorMessage, parseBoundedJson } from '../../../common/protocol/bounded-json.js';
import type { SilenceRecords } from './shared-silences.js';

export type SilenceRecord = { alertId: string; silenceId: string; createdAt: number; endsAt: number };

/** alert id → the silence Tocsin created for it, in this gateway's own file. */
export class SilenceStore implements SilenceRecords {
  private readonly db: Database.Database;

  /** `nativeBinding`: better-sqlite3's native module, when not the one Node would load (Electron). */
  constructor(path: string, nativeBinding?: string) {
    this.db = new Database(path, nativeBinding === undefined ? {} : { nativeBinding });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS silences (
      alert_id TEXT PRIMARY KEY,
      silence_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL
    ) STRICT`);
  }

  get(alertId: string): SilenceRecord | undefined {
    const row = this.db
      .prepare<[string], { silence_id: string; created_at: number; ends_at: number }>(
        'SELECT silence_id, created_at, ends_at FROM silences WHERE alert_id = ?',
      )
      .get(alertId);
    return row ? { alertId, silenceId: row.silence_id, createdAt: row.created_at, endsAt: row.ends_at } : undefined;
  }

  put(record: SilenceRecord): void {
    this.db
      .prepare(
        'INSERT INTO silences (alert_id, silence_id, created_at, ends_at) VALUES (?, ?, ?, ?) ON CONFLICT(alert_id) DO UPDATE SET silence_id = excluded.silence_id, created_at = excluded.created_at, ends_at = excluded.ends_at',
      )
      .run(record.alertId, record.silenceId, record.createdAt, record.endsAt);
  }

  all(): SilenceRecord[] {
    return this.db
      .prepare<[], { alert_id: string; silence_id: string; created_at: number; ends_at: number }>(
        'SELECT alert_id, silence_id, created_at, ends_at FROM silences ORDER BY alert_id',
      )
      .all()
      .map((row) => ({
        alertId: row.alert_id,
        silenceId: row.silence_id,
        createdAt: row.created_at,
        endsAt: row.ends_at,
      }));
  }

  delete(alertId: string): void {
    this.db.prepare('DELETE FROM silences WHERE alert_id = ?').run(alertId);
  }

  close(): void {
    this.db.close();
  }
}

export type Matcher = { name: string; value: string; isRegex: boolean; isEqual: boolean };
export type SilenceRequest = {
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
};

/** The two calls of Alertmanager's v2 API that Tocsin makes. */
export class AlertmanagerApi {
  constructor(
    private readonly baseUrl: string,
    private readonly options: { timeoutMs: number; apiToken?: string },
  ) {}

  /** POST /api/v2/silences; resolves with the new silence's id. */
  async createSilence(silence: SilenceRequest): Promise<string> {
    const response = await this.request('POST', '/api/v2/silences', silence);
    const text = await response.text();
    if (!response.ok) throw new Error(`creating a silence: HTTP ${response.status} ${text.trim().slice(0, 200)}`);
    const json = parseBoundedJson(text);
    const id =
      json.ok && typeof json.value === 'object' && json.value !== null
        ? (json.value as { silenceID?: unknown }).silenceID
        : undefined;
    if (typeof id !== 'string' || id === '') throw new Error('creating a silence: no silenceID in the answer');
    return id;
  }

  /** GET /api/v2/alerts: fingerprints of every alert Alertmanager holds as not resolved (silenced ones included). */
  async activeFingerprints(): Promise<Set<string>> {
    const response = await this.request(
      'GET',
      '/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true',
    );
    if (!response.ok)
      throw new Error(`listing alerts: HTTP ${response.status} ${(await response.text()).trim().slice(0, 200)}`);
    const json = parseBoundedJson(await response.text());
    if (!json.ok || !Array.isArray(json.value))
      throw new Error(`listing alerts: the answer is not a JSON array${json.ok ? '' : ` (${json.message})`}`);
    const alerts = json.value as Array<{ fingerprint?: unknown } | null>;
    return new Set(alerts.flatMap((alert) => (typeof alert?.fingerprint === 'string' ? [alert.fingerprint] : [])));
  }

  /** DELETE /api/v2/silence/{id}; a silence that is already expired or gone counts as expired. */
  async expireSilence(id: string): Promise<void> {
    const path = `/api/v2/silence/${encodeURIComponent(id)}`;
    const response = await this.request('DELETE', path);
    const text = await response.text();
    if (response.ok) return;
    const check = await this.request('GET', path);
    if (check.status === 404) return;
    const state = check.ok ? ((await check.json()) as { status?: { state?: string } }).status?.state : undefined;
    if (state === 'expired') return;
    throw new Error(`expiring silence ${id}: HTTP ${response.status} ${text.trim().slice(0, 200)}`);
  }

  private request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiToken) headers.authorization = `Bearer ${this.options.apiToken}`;
    return fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
  }
}

export type SilencerOptions = { expiryMs: number; comment: string; now: () => number; log?: (message: string) => void };

/** The gateway's action handler for Alertmanager alerts. */
export class AlertmanagerSilencer implements SourceActionHandler {
  readonly source = ALERTMANAGER_SOURCE;

  constructor(
    private readonly api: AlertmanagerApi,
    private readonly store: SilenceRecords,
    private readonly options: SilencerOptions,
  ) {}

  async onAction(alert: AlertState, action: Action, by: string): Promise<void> {
    if (action.action === 'acknowledge') return this.silence(alert, action.comment, by);
    if (action.action === 'unacknowledge') return this.unsilence(alert);
    // snooze and comment stay in Tocsin; resolve is refused by the gateway for this source.
  }

  /** Matchers for exactly this alert: every label Tocsin kept, by equality. */
  static matchers(alert: AlertState): Matcher[] {
    return Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  }

  private async silence(alert: AlertState, comment: string | undefined, by: string): Promise<void> {
    const matchers = AlertmanagerSilencer.matchers(alert);
    if (matchers.length === 0) throw new Error(`alert ${alert.alertId} has no labels to silence on`);
    const now = this.options.now();
    const endsAt = now + this.options.expiryMs;
    const previous = await this.store.get(alert.alertId);
    const silenceId = await this.api.createSilence({
      matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      createdBy: by,
      comment: comment?.trim() || this.options.comment,
    });
    await this.store.put({ alertId: alert.alertId, silenceId, createdAt: now, endsAt });
    // A second acknowledgement replaces the first silence rather than stacking them.
    if (previous && previous.silenceId !== silenceId) {
      await this.api
        .expireSilence(previous.silenceId)
        .catch((error: unknown) =>
          this.options.log?.(
            `alertmanager: could not expire the replaced silence ${previous.silenceId}: ${errorMessage(error)}`,
          ),
        );
    }
  }

  private async unsilence(alert: AlertState): Promise<void> {
    const record = await this.store.get(alert.alertId);
    if (!record) return; // acknowledged before silences were configured: nothing to expire
    await this.api.expireSilence(record.silenceId);
    await this.store.delete(alert.alertId);
  }
}

export type ReconcilerOptions = {
  /** Between two checks. */
  intervalMs: number;
  /** How long an acknowledged alert must be missing from Alertmanager before it counts as resolved. */
  missingAfterMs: number;
  now: () => number;
  log: (message: string) => void;
  /** Whether to check now (in a cluster, only its leader checks); always when absent. */
  shouldRun?: () => boolean;
};

/**
 * Alertmanager mutes every notification of a silenced alert, its resolve included, and drops
 * resolved alerts from memory long before a 4 h silence ends: without this, an alert resolved
 * while acknowledged would stay firing in every console. For each alert Tocsin silenced, the
 * reconciler asks Alertmanager whether it still holds it as active; one missing for
 * `missingAfterMs` (longer than Prometheus takes to resend its alerts to a restarted
 * Alertmanager) is journaled as resolved, with the same dedup key the webhook would use, so a
 * late webhook resolve adds nothing. Once the alert is resolved, its silence is expired: the
 * acknowledgement belonged to that episode, and a new one must not be muted. In a cluster only
 * the leader checks (`shouldRun`), from the silences every gateway shares.
 */
export class SilenceReconciler {
  private readonly missingSince = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  failures = 0;
  resolved = 0;

  constructor(
    private readonly api: Pick<AlertmanagerApi, 'activeFingerprints' | 'expireSilence'>,
    private readonly store: SilenceRecords,
    private readonly sink: Pick<EventSink, 'publish' | 'alertState'>,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick().then(loop);
      }, this.options.intervalMs);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One check of every silenced alert; never throws (failures are counted and logged). */
  async tick(): Promise<void> {
    if (this.options.shouldRun?.() === false) return this.missingSince.clear();
    try {
      const records = await this.store.all();
      if (records.length === 0) return this.missingSince.clear();
      const present = await this.api.activeFingerprints();
      const now = this.options.now();
      for (const record of records) {
        if (this.stopped) return;
        const state = this.sink.alertState(record.alertId);
        if (state?.status === 'firing') {
          if (present.has(record.alertId)) {
            this.missingSince.delete(record.alertId);
            continue;
          }
          const since = this.missingSince.get(record.alertId) ?? now;
          this.missingSince.set(record.alertId, since);
          if (now - since < this.options.missingAfterMs) continue;
          const key = dedupKey({
            fingerprint: record.alertId,
            startsAt: new Date(state.startsAt).toISOString(),
            status: 'resolved',
          });
          const [seq] = await this.sink.publish([
            {
              event: { kind: 'resolved', alertId: record.alertId, source: ALERTMANAGER_SOURCE, at: now, endsAt: now },
              dedupKey: key,
            },
          ]);
          if (seq !== null) this.resolved += 1;
          this.options.log(
            `alertmanager: acknowledged alert ${record.alertId} is no longer active in Alertmanager (its resolve was muted by the silence): resolved`,
          );
        }
        // Resolved (by the webhook or just now) or unknown: the silence has done its work.
        await this.api.expireSilence(record.silenceId);
        await this.store.delete(record.alertId);
        this.missingSince.delete(record.alertId);
      }
    } catch (error) {
      this.failures += 1;
      this.options.log(
        `alertmanager: checking silenced alerts failed (${this.failures} so far): ${errorMessage(error)}`,
      );
    }
  }
}
