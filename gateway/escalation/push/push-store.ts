/**
 * Web Push's rows in the journal's database (migration 5): each person's browser and device
 * subscriptions, and the gateway's VAPID key pair. The key pair is made at the first start and
 * kept, because every subscription a browser holds is bound to the public key it was made with:
 * a new key would silently orphan all of them.
 */
import type { Database } from 'better-sqlite3';
import webpush from 'web-push';

/** A push subscription as a browser's `PushSubscription.toJSON()` gives it, plus whose and which device. */
export type PushSubscriptionRow = {
  endpoint: string;
  person: string;
  device: string;
  p256dh: string;
  auth: string;
  createdAt: number;
  /** A push service answered 429: nothing is sent to this endpoint before this time. */
  waitUntil: number;
};

/** The gateway's VAPID key pair (RFC 8292), URL-safe base64 as web-push and browsers take them. */
export type VapidKeys = { publicKey: string; privateKey: string };

/** The subscriptions push is sent to: this gateway's own rows, or (in a cluster) a map every gateway shares. */
export interface PushSubscriptions {
  save(subscription: Omit<PushSubscriptionRow, 'waitUntil'>): void | Promise<void>;
  forPerson(person: string): PushSubscriptionRow[] | Promise<PushSubscriptionRow[]>;
  remove(endpoint: string, person?: string): boolean | Promise<boolean>;
  waitUntil(endpoint: string, at: number): void | Promise<void>;
}

/** Reads and writes subscriptions and the VAPID keys. */
export class PushStore implements PushSubscriptions {
  constructor(private readonly db: Database) {}

  /** The stored key pair, made and stored now if there is none (a second gateway racing here keeps the first). */
  vapidKeys(): VapidKeys {
    const stored = this.readKeys();
    if (stored) return stored;
    const made = webpush.generateVAPIDKeys();
    this.db
      .prepare('INSERT OR IGNORE INTO push_vapid (id, public_key, private_key) VALUES (1, ?, ?)')
      .run(made.publicKey, made.privateKey);
    return this.readKeys()!;
  }

  /** Store a subscription (a browser re-subscribing with the same endpoint replaces its keys and owner). */
  save(subscription: Omit<PushSubscriptionRow, 'waitUntil'>): void {
    this.db
      .prepare(
        `INSERT INTO push_subscriptions (endpoint, person, device, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint) DO UPDATE SET person = excluded.person, device = excluded.device,
           p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at, wait_until = 0`,
      )
      .run(
        subscription.endpoint,
        subscription.person,
        subscription.device,
        subscription.p256dh,
        subscription.auth,
        subscription.createdAt,
      );
  }

  /** A person's subscriptions, oldest first. */
  forPerson(person: string): PushSubscriptionRow[] {
    return this.db
      .prepare(
        `SELECT endpoint, person, device, p256dh, auth, created_at AS createdAt, wait_until AS waitUntil
         FROM push_subscriptions WHERE person = ? ORDER BY created_at, endpoint`,
      )
      .all(person) as PushSubscriptionRow[];
  }

  /** Forget an endpoint (its push service said it is gone, or its person unsubscribed); true if it was there. */
  remove(endpoint: string, person?: string): boolean {
    const statement =
      person === undefined
        ? this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ?').run(endpoint)
        : this.db.prepare('DELETE FROM push_subscriptions WHERE endpoint = ? AND person = ?').run(endpoint, person);
    return statement.changes > 0;
  }

  /** Hold sends to an endpoint until `at` (a 429's Retry-After). */
  waitUntil(endpoint: string, at: number): void {
    this.db.prepare('UPDATE push_subscriptions SET wait_until = ? WHERE endpoint = ?').run(at, endpoint);
  }

  private readKeys(): VapidKeys | undefined {
    return this.db.prepare('SELECT public_key AS publicKey, private_key AS privateKey FROM push_vapid').get() as
      VapidKeys | undefined;
  }
}
