import { describe, expect, it } from 'vitest';
import type { AlertRow, FeedStatus } from '../../../common/api/contract.js';
import type { Category, Severity } from '../../../common/protocol/alert.js';
import { TRAY_STATES } from '../../../common/tray-model.js';
import { coreDownTrayModel, deriveTrayModel, startingTrayModel, TOOLTIP_MAX } from './tray-model.js';
import { feedStatus } from '../../../tests/support/feed-status.js';

const feed = (state: FeedStatus['state'], name = 'prod'): FeedStatus => feedStatus(state, { feedId: name });
let n = 0;
const alert = (
  severity: Severity,
  category: Category,
  acked = false,
  status: AlertRow['status'] = 'firing',
): AlertRow => ({
  feedId: 'prod',
  alertId: `a${++n}`,
  source: 's',
  title: 't',
  body: '',
  severity,
  category,
  labels: {},
  startsAt: 0,
  status,
  acknowledged: acked ? { by: 'ann', at: 1 } : null,
  snoozedUntil: null,
  firstSeq: 1,
  lastSeq: 1,
  updatedAt: 1,
});
const calm = { snoozedUntil: null, paused: false };
const live = [feed('live')];
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

describe('deriveTrayModel', () => {
  it('gives every state its icon and words (never colour alone)', () => {
    const cases = {
      ok: [[alert('info', 'other')], live, 'Tocsin: all clear · 1 firing: none needs action · 1 feed live'],
      warning: [[alert('warning', 'performance')], live, 'Tocsin: warnings · 1 firing: 1 warning · 1 feed live'],
      critical: [
        [alert('warning', 'performance'), alert('high', 'outage')],
        live,
        'Tocsin: CRITICAL · 2 firing: 1 critical, 1 warning · 1 feed live',
      ],
      security: [
        [alert('critical', 'outage'), alert('high', 'security')],
        live,
        'Tocsin: SECURITY · 2 firing: 1 security, 1 critical · 1 feed live',
      ],
      disconnected: [
        [alert('critical', 'security')],
        [feed('disconnected')],
        'Tocsin: NOT CONNECTED · 1 firing: 1 security · prod: disconnected',
      ],
    } as const;
    for (const state of TRAY_STATES) {
      const [alerts, feeds, tooltip] = cases[state];
      const model = deriveTrayModel(alerts, feeds, calm);
      expect(model).toMatchObject({ state, icon: `tray-${state}`, tooltip });
      expect(model.menuStatus).toBe(`${tooltip.split(' · ')[0]!.slice('Tocsin: '.length)} — ${model.status}`);
    }
  });

  it('never looks all clear with a feed down, stale, connecting, catching up, or no feed at all', () => {
    for (const [state, link, words] of [
      ['disconnected', 'disconnected', 'NOT CONNECTED'],
      ['stale', 'stale', 'STALE'],
      ['connecting', 'syncing', 'CONNECTING'],
      ['resyncing', 'syncing', 'CONNECTING'],
    ] as const) {
      const model = deriveTrayModel([], [feed('live', 'a'), feed(state, 'b')], calm);
      expect(model).toMatchObject({
        state: 'disconnected',
        icon: 'tray-disconnected',
        link,
        status: `b: ${state}`,
        menuStatus: `${words} — b: ${state}`,
      });
    }
    expect(deriveTrayModel([], [feed('stale', 'a'), feed('disconnected', 'b')], calm).link).toBe('disconnected');
    expect(deriveTrayModel([], [], calm)).toMatchObject({
      state: 'disconnected',
      link: 'no-feed',
      status: 'No feed configured',
      tooltip: 'Tocsin: NO FEED · no alerts firing · No feed configured',
    });
    expect(startingTrayModel()).toMatchObject({
      state: 'disconnected',
      icon: 'tray-disconnected',
      menuStatus: 'Starting…',
    });
  });

  it('counts acknowledged and resolved alerts without letting them raise the state', () => {
    const model = deriveTrayModel(
      [alert('critical', 'security', true), alert('warning', 'outage'), alert('critical', 'outage', false, 'resolved')],
      live,
      calm,
    );
    expect(model).toMatchObject({
      state: 'warning',
      counts: { firing: 2, critical: 1, security: 1, unacknowledged: 1 },
      byState: { security: 0, critical: 0, warning: 1, info: 0 },
      tooltip: 'Tocsin: warnings · 2 firing: 1 warning, 1 acked · 1 feed live',
    });
  });

  it('carries snooze and pause, and says so in the tooltip', () => {
    const until = Date.UTC(2026, 10, 22, 15, 30);
    expect(deriveTrayModel([], live, { snoozedUntil: until, paused: false }, hhmm)).toMatchObject({
      snoozedUntil: until,
      notificationsPaused: false,
      tooltip: 'Tocsin: all clear · no alerts firing · 1 feed live · snoozed until 15:30',
    });
    expect(deriveTrayModel([], live, { snoozedUntil: null, paused: true })).toMatchObject({
      notificationsPaused: true,
      tooltip: expect.stringMatching(/· notifications paused$/),
    });
  });

  it('makes failing notifications visible', () => {
    const health = {
      state: 'failing' as const,
      lastFailure: { at: 1, reason: 'no notification server is running on the session bus' },
    };
    const model = deriveTrayModel([], live, { ...calm, health });
    expect(model.notificationProblem).toBe(
      'Notifications failing: no notification server is running on the session bus',
    );
    expect(model.tooltip).toMatch(/· notifications FAILING$/);
    expect(
      deriveTrayModel([], live, { ...calm, health: { state: 'ok', lastFailure: health.lastFailure } })
        .notificationProblem,
    ).toBeNull();
  });

  it('keeps the tooltip within what Windows shows', () => {
    const feeds = Array.from({ length: 12 }, (_, i) => feed('disconnected', `a-very-long-feed-name-${i}`));
    const model = deriveTrayModel(
      Array.from({ length: 3000 }, () => alert('critical', 'security')),
      feeds,
      { snoozedUntil: null, paused: true },
    );
    expect(model.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(model.tooltip.endsWith('…')).toBe(true);
  });
});

describe('coreDownTrayModel', () => {
  it('shows a core that is down as disconnected, with the reason, the last counts and the quiet state', () => {
    const last = deriveTrayModel([alert('critical', 'security'), alert('warning', 'performance')], live, calm);
    const model = coreDownTrayModel(last, 'Core restarting: RangeError: boom', { snoozedUntil: null, paused: true });
    expect(model).toMatchObject({
      state: 'disconnected',
      icon: 'tray-disconnected',
      link: 'disconnected',
      notificationsPaused: true,
      counts: last.counts,
      byState: last.byState,
    });
    expect(model.menuStatus).toBe('CORE DOWN — Core restarting: RangeError: boom');
    expect(model.tooltip).toBe('Tocsin: CORE DOWN · Core restarting: RangeError: boom');
    expect(coreDownTrayModel(null, 'x'.repeat(300), calm).tooltip.length).toBe(TOOLTIP_MAX);
  });
});
