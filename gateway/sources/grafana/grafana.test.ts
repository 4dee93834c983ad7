/**
 * Grafana-managed alerts through the real gateway, with the payload of Grafana's documentation
 * ("Configure the webhook notifier for Alerting": its example body, two firing alerts).
 * Grafana is not packaged for Debian, so no real Grafana runs here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, post, sourceGateway } from '../../../tests/sources/harness.js';

afterEach(closeAll);

const GRAFANA_TOKEN = 'grafana-token-0123456789';

/** Grafana's documented example body (links made https where the test needs them kept). */
function documented(status: 'firing' | 'resolved' = 'firing') {
  const endsAt = status === 'firing' ? '0001-01-01T00:00:00Z' : '2021-10-12T10:01:03.157076+02:00';
  return {
    receiver: 'My Super Webhook',
    status,
    orgId: 1,
    alerts: [
      {
        status,
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
        annotations: {
          description: 'The system has high memory usage',
          runbook_url: 'https://myrunbook.com/runbook/1234',
          summary: 'This alert was triggered for zone us-1',
        },
        startsAt: '2021-10-12T09:51:03.157076+02:00',
        endsAt,
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL:
          'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
        dashboardURL: 'https://play.grafana.org/d/abc123/memory',
        panelURL: 'https://play.grafana.org/d/abc123/memory?viewPanel=2',
        values: { B: 44.23943737541908, C: 1 },
      },
      {
        status,
        labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1', severity: 'critical' },
        annotations: {
          description: 'The system has high CPU usage',
          runbook_url: 'https://myrunbook.com/runbook/1234',
          summary: 'This alert was triggered for zone eu-1',
        },
        startsAt: '2021-10-12T09:56:03.157076+02:00',
        endsAt,
        generatorURL: 'https://play.grafana.org/alerting/d1rdpdv7k/edit',
        fingerprint: 'bc97ff14869b13e3',
        silenceURL:
          'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
      },
    ],
    groupLabels: {},
    commonLabels: { team: 'blue' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: '[FIRING:2]  (blue)',
    state: 'alerting',
    message: '**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n - zone = us-1\n',
  };
}

describe('Grafana webhook contact point', () => {
  it("journals Grafana's documented payload with its panel and dashboard links as actions, and resolves it", async () => {
    const { g, probe } = await sourceGateway({ grafana: { tokens: [GRAFANA_TOKEN] } });
    expect(await post(g, '/v1/grafana', documented(), GRAFANA_TOKEN)).toMatchObject({
      status: 200,
      body: { published: 2 },
    });
    await probe.waitFor(
      (r) => r.frame.type === 'event' && r.frame.event.alertId === 'grafana:1:bc97ff14869b13e3',
      5_000,
    );
    expect(g.journal.alertState('grafana:1:c6eadffa33fcdf37')).toMatchObject({
      source: 'grafana',
      status: 'firing',
      title: 'This alert was triggered for zone us-1',
      body: 'The system has high memory usage\n\nValues: B=44.2394, C=1',
      severity: 'info',
      category: 'capacity',
      url: 'https://play.grafana.org/d/abc123/memory?viewPanel=2',
      runbookUrl: 'https://myrunbook.com/runbook/1234',
      labels: { alertname: 'High memory usage' },
      // The links Grafana's own notifications offer, as actions.
      links: [
        { title: 'Open panel', url: 'https://play.grafana.org/d/abc123/memory?viewPanel=2' },
        { title: 'Open dashboard', url: 'https://play.grafana.org/d/abc123/memory' },
        {
          title: 'Silence in Grafana',
          url: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
        },
      ],
    });
    expect(Object.keys(g.journal.alertState('grafana:1:c6eadffa33fcdf37')!.labels)).not.toContain('grafana_panel_url');
    // No panel or dashboard: the rule's own page is the link.
    expect(g.journal.alertState('grafana:1:bc97ff14869b13e3')).toMatchObject({
      severity: 'critical',
      category: 'performance',
      url: 'https://play.grafana.org/alerting/d1rdpdv7k/edit',
    });
    expect((await post(g, '/v1/grafana', documented(), GRAFANA_TOKEN)).body).toMatchObject({
      published: 0,
      duplicates: 2,
    });
    expect((await post(g, '/v1/grafana', documented('resolved'), GRAFANA_TOKEN)).body).toMatchObject({
      published: 2,
    });
    expect(g.journal.alertState('grafana:1:c6eadffa33fcdf37')?.status).toBe('resolved');
  });

  it('refuses what is not Grafana, naming the field, and takes a Watchdog rule as a heartbeat', async () => {
    const { g } = await sourceGateway({ grafana: { tokens: [GRAFANA_TOKEN], heartbeat: { intervalMs: 60_000 } } });
    expect((await post(g, '/v1/grafana', documented(), 'wrong-token-0123456789')).status).toBe(401);
    const { orgId: _orgId, ...noOrg } = documented();
    expect(await post(g, '/v1/grafana', noOrg, GRAFANA_TOKEN)).toMatchObject({
      status: 400,
      body: { code: 'invalid_grafana', error: expect.stringMatching(/^orgId: /) as unknown },
    });
    const watchdog = documented();
    watchdog.alerts = [{ ...watchdog.alerts[0]!, labels: { alertname: 'Watchdog', team: 'blue', zone: 'us-1' } }];
    expect((await post(g, '/v1/grafana', watchdog, GRAFANA_TOKEN)).body).toMatchObject({ published: 0 });
    expect(g.integrations.heartbeats?.state().grafana?.lastSeen).not.toBeNull();
    expect(g.journal.bounds().last).toBe(0);
  });
});
