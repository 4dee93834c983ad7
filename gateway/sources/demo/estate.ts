/**
 * The demo estate: about twenty hosts and their services, and the alerts such an estate
 * raises. Deterministic given the PRNG, so tests can rely on it.
 */
import type { Category, Severity } from '../../../common/protocol/alert.js';

export type DemoHost = { name: string; service: string; role: 'web' | 'api' | 'db' | 'cache' | 'queue' | 'edge' };

const ROLES: Array<[DemoHost['role'], string, number]> = [
  ['web', 'storefront', 5],
  ['api', 'orders-api', 4],
  ['db', 'postgres', 3],
  ['cache', 'redis', 2],
  ['queue', 'kafka', 3],
  ['edge', 'nginx', 3],
];

/** `count` hosts named like a real estate: web-01, db-02, … */
export function demoHosts(count: number): DemoHost[] {
  const hosts: DemoHost[] = [];
  for (let round = 0; hosts.length < count; round++) {
    for (const [role, service, perRound] of ROLES) {
      for (let i = 0; i < perRound && hosts.length < count; i++) {
        const index = round * perRound + i + 1;
        hosts.push({ name: `${role}-${String(index).padStart(2, '0')}`, service, role });
      }
    }
  }
  return hosts;
}

export type AlertTemplate = {
  key: string;
  severity: Severity;
  category: Category;
  title: (host: DemoHost) => string;
  body: (host: DemoHost, random: () => number) => string;
  /** How long it stays firing, in seconds (min, max). */
  lasts: [number, number];
  /** Relative frequency. */
  weight: number;
};

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const COUNTRIES = ['Brazil', 'Vietnam', 'Romania', 'Nigeria', 'Iceland', 'Peru'];
const USERS = ['deploy', 'jenkins', 'mlopez', 'akim', 'svc-backup', 'root'];

export const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  {
    key: 'service-down',
    severity: 'critical',
    category: 'outage',
    lasts: [30, 120],
    weight: 2,
    title: (h) => `${h.service} down on ${h.name}`,
    body: (h) => `Health check for ${h.service} on ${h.name} failed 3 times in a row (connection refused).`,
  },
  {
    key: 'error-spike',
    severity: 'high',
    category: 'outage',
    lasts: [20, 90],
    weight: 3,
    title: (h) => `Error-rate spike on ${h.name}`,
    body: (h, r) => `5xx rate for ${h.service} is ${(5 + r() * 20).toFixed(1)}% (threshold 2%).`,
  },
  {
    key: 'disk-full',
    severity: 'high',
    category: 'outage',
    lasts: [60, 240],
    weight: 1,
    title: (h) => `Disk full on ${h.name}`,
    body: (h, r) => `/var on ${h.name} is ${(97 + r() * 3).toFixed(1)}% full; writes are failing.`,
  },
  {
    key: 'ssh-bruteforce',
    severity: 'high',
    category: 'security',
    lasts: [20, 60],
    weight: 2,
    title: (h) => `SSH brute force against ${h.name}`,
    body: (_h, r) =>
      `${Math.floor(200 + r() * 2000)} failed SSH logins in 5 minutes from 185.220.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.`,
  },
  {
    key: 'new-country-login',
    severity: 'high',
    category: 'security',
    lasts: [30, 90],
    weight: 1,
    title: (h) => `Login from a new country on ${h.name}`,
    body: (_h, r) => `User ${pick(USERS, r)} signed in from ${pick(COUNTRIES, r)} for the first time.`,
  },
  {
    key: 'privilege-escalation',
    severity: 'critical',
    category: 'security',
    lasts: [30, 90],
    weight: 1,
    title: (h) => `Privilege escalation on ${h.name}`,
    body: (_h, r) => `Process run by ${pick(USERS, r)} gained uid 0 outside sudo.`,
  },
  {
    key: 'malware',
    severity: 'critical',
    category: 'security',
    lasts: [40, 120],
    weight: 1,
    title: (h) => `Malware detected on ${h.name}`,
    body: () => 'EDR quarantined a file matching Linux.Mirai; the host is still reachable.',
  },
  {
    key: 'high-cpu',
    severity: 'warning',
    category: 'performance',
    lasts: [20, 80],
    weight: 3,
    title: (h) => `High CPU on ${h.name}`,
    body: (_h, r) => `CPU has been above ${Math.floor(85 + r() * 10)}% for 10 minutes.`,
  },
  {
    key: 'memory-pressure',
    severity: 'warning',
    category: 'capacity',
    lasts: [30, 120],
    weight: 2,
    title: (h) => `Memory pressure on ${h.name}`,
    body: () => 'Available memory below 10%; the kernel is reclaiming page cache.',
  },
  {
    key: 'slow-requests',
    severity: 'warning',
    category: 'performance',
    lasts: [20, 60],
    weight: 2,
    title: (h) => `p95 latency high on ${h.name}`,
    body: (h, r) => `${h.service} p95 latency ${Math.floor(400 + r() * 900)} ms (SLO 300 ms).`,
  },
];

/** Pick a template by weight. */
export function pickTemplate(random: () => number): AlertTemplate {
  const total = ALERT_TEMPLATES.reduce((sum, t) => sum + t.weight, 0);
  let roll = random() * total;
  for (const template of ALERT_TEMPLATES) {
    roll -= template.weight;
    if (roll < 0) return template;
  }
  return ALERT_TEMPLATES[0]!;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same estate and alerts. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
