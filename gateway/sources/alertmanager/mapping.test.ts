import { describe, expect, it } from 'vitest';
import { AlertBodySchema } from '../../../common/protocol/alert.js';
import { compileMapping, LabelMappingSchema } from './mapping.js';
import { alertBody, dedupKey, entriesFor, keptLabels, WebhookMessageSchema, type WebhookAlert } from './payload.js';

const defaults = compileMapping(LabelMappingSchema.parse({}));

const alert = (overrides: Partial<WebhookAlert> = {}): WebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'InstanceDown', instance: 'web-1:9100', job: 'node', severity: 'critical' },
  annotations: { summary: 'web-1 is down', description: 'No scrape for 1m' },
  startsAt: '2026-11-22T10:00:00.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://prometheus.example/graph?g0.expr=up',
  fingerprint: 'c0ffee0123456789',
  ...overrides,
});

describe('label mapping (defaults)', () => {
  it.each([
    ['critical', 'critical'],
    ['PAGE', 'critical'],
    ['error', 'high'],
    ['high', 'high'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['info', 'info'],
    ['none', 'info'],
  ])('severity=%s → %s', (value, expected) => {
    expect(defaults.severity({ severity: value })).toBe(expected);
  });

  it('reads priority when there is no severity label, and defaults to info', () => {
    expect(defaults.severity({ priority: 'page' })).toBe('critical');
    expect(defaults.severity({})).toBe('info');
  });

  it('takes a category label naming a category, else alertname patterns, else other', () => {
    expect(defaults.category({ category: 'Security', alertname: 'DiskFull' })).toBe('security');
    expect(defaults.category({ category: 'not-a-category', alertname: 'DiskFull' })).toBe('capacity');
    expect(defaults.category({ alertname: 'SSHBruteForce' })).toBe('security');
    expect(defaults.category({ alertname: 'InstanceDown' })).toBe('outage');
    expect(defaults.category({ alertname: 'HighLatencyP95' })).toBe('performance');
    expect(defaults.category({ alertname: 'Watchdog' })).toBe('other');
  });

  it('is configurable: other labels, values, patterns and defaults', () => {
    const custom = compileMapping(
      LabelMappingSchema.parse({
        severityLabels: ['urgency'],
        severity: { critical: ['p1'], high: ['p2'], warning: ['p3'] },
        defaultSeverity: 'warning',
        categoryLabel: 'team_category',
        categoryPatterns: [{ pattern: '^Kube', category: 'capacity' }],
        defaultCategory: 'performance',
      }),
    );
    expect(custom.severity({ urgency: 'P1', severity: 'info' })).toBe('critical');
    expect(custom.severity({ severity: 'critical' })).toBe('warning');
    expect(custom.category({ team_category: 'outage' })).toBe('outage');
    expect(custom.category({ alertname: 'KubePodCrashLooping' })).toBe('capacity');
    expect(custom.category({ alertname: 'InstanceDown' })).toBe('performance');
  });

  it('refuses an invalid pattern with the field named', () => {
    const parsed = LabelMappingSchema.safeParse({ categoryPatterns: [{ pattern: '(', category: 'other' }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['categoryPatterns', 0, 'pattern']);
  });
});

describe('webhook alert → Tocsin alert', () => {
  it('maps title, body, host, service, severity, category, labels and startsAt', () => {
    const body = alertBody(alert(), defaults, 1);
    expect(body).toEqual({
      title: 'web-1 is down',
      body: 'No scrape for 1m',
      severity: 'critical',
      category: 'outage',
      host: 'web-1:9100',
      service: 'node',
      url: 'https://prometheus.example/graph?g0.expr=up',
      labels: { alertname: 'InstanceDown', severity: 'critical', instance: 'web-1:9100', job: 'node' },
      startsAt: Date.parse('2026-11-22T10:00:00.123Z'),
    });
    expect(AlertBodySchema.safeParse(body).success).toBe(true);
  });

  it('falls back to the alertname for the title and a service label; keeps no http URL', () => {
    const body = alertBody(
      alert({ annotations: {}, labels: { alertname: 'X', service: 'api' }, generatorURL: 'http://prom:9090/graph' }),
      defaults,
      1,
    );
    expect(body).toMatchObject({ title: 'X', body: '', service: 'api' });
    expect(body).not.toHaveProperty('url');
    expect(body).not.toHaveProperty('host');
  });

  it('takes the runbook_url annotation as the runbook when it is https, and nothing else', () => {
    const runbook = (url: string) =>
      alertBody(alert({ annotations: { runbook_url: url }, labels: { alertname: 'X' } }), defaults, 1).runbookUrl;
    expect(runbook('https://runbooks.example/disk-full')).toBe('https://runbooks.example/disk-full');
    expect(runbook('http://wiki.internal/disk')).toBeUndefined();
    expect(runbook('javascript:alert(1)')).toBeUndefined();
  });

  it('keeps labels within the protocol bounds, well-known ones first, and drops (never truncates) oversized ones', () => {
    const labels: Record<string, string> = { alertname: 'Many', huge: 'x'.repeat(2000) };
    for (let i = 0; i < 100; i++) labels[`l${String(i).padStart(3, '0')}`] = `${i}`;
    const kept = keptLabels(labels);
    expect(Object.keys(kept)).toHaveLength(64);
    expect(Object.keys(kept)[0]).toBe('alertname');
    expect(kept).not.toHaveProperty('huge');
    expect(
      AlertBodySchema.safeParse(alertBody(alert({ labels, annotations: { summary: 's'.repeat(600) } }), defaults, 1))
        .success,
    ).toBe(true);
  });

  it('keys deliveries by fingerprint, startsAt (canonical) and status', () => {
    expect(dedupKey(alert({ startsAt: '2026-11-22T11:00:00.123+01:00' }))).toBe(dedupKey(alert()));
    expect(dedupKey(alert())).toBe('c0ffee0123456789|2026-11-22T10:00:00.123Z|firing');
    expect(dedupKey(alert({ status: 'resolved' }))).toBe('c0ffee0123456789|2026-11-22T10:00:00.123Z|resolved');
  });

  it('precedes the resolve of an alert it never saw with its fired event', () => {
    const resolved = alert({ status: 'resolved', endsAt: '2026-11-22T10:05:00Z' });
    expect(entriesFor(resolved, defaults, 5, () => true).map((e) => e.event.kind)).toEqual(['resolved']);
    const both = entriesFor(resolved, defaults, 5, () => false);
    expect(both.map((e) => [e.event.kind, e.dedupKey])).toEqual([
      ['fired', 'c0ffee0123456789|2026-11-22T10:00:00.123Z|firing'],
      ['resolved', 'c0ffee0123456789|2026-11-22T10:00:00.123Z|resolved'],
    ]);
    expect(both[1]!.event).toMatchObject({ kind: 'resolved', endsAt: Date.parse('2026-11-22T10:05:00Z') });
  });

  it('parses a version 4 message and refuses others with the reason', () => {
    const message = {
      version: '4',
      groupKey: '{}:{alertname="X"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'tocsin',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am',
      alerts: [alert()],
    };
    expect(WebhookMessageSchema.safeParse(message).success).toBe(true);
    const v3 = WebhookMessageSchema.safeParse({ ...message, version: '3' });
    expect(v3.error!.issues[0]!.message).toContain('version "4"');
  });
});
