import { describe, expect, it } from 'vitest';
import { deriveTrayModel } from '../core/tray/tray-model.js';
import { TRAY_STATES, type TrayModel } from './core-port.js';
import { TOOLTIP_MAX, trayIconFile, trayMenu, trayTooltip, UNKNOWN_TRAY_MODEL } from './tray-view.js';

const model: TrayModel = {
  state: 'critical',
  status: '2 feeds live',
  counts: { firing: 5, critical: 2, security: 1, unacknowledged: 3 },
  snoozedUntil: null,
  notificationsPaused: false,
  menuStatus: 'CRITICAL — 2 feeds live',
};

describe('trayIconFile', () => {
  it('picks a Template image on macOS, an .ico on Windows and a 22 px PNG on Linux, per state', () => {
    expect(trayIconFile('/r', 'security', 'darwin')).toBe('/r/tray/mac/securityTemplate.png');
    expect(trayIconFile('/r', 'warning', 'win32')).toBe('/r/tray/win/warning.ico');
    expect(trayIconFile('/r', 'disconnected', 'linux')).toBe('/r/tray/linux/disconnected-22.png');
    expect(new Set(TRAY_STATES.map((s) => trayIconFile('/r', s, 'linux'))).size).toBe(TRAY_STATES.length);
  });
});

describe('trayTooltip', () => {
  it("is the core's tooltip, which says when notifications are failing", () => {
    const failing = deriveTrayModel([], [], {
      snoozedUntil: null,
      paused: false,
      health: { state: 'failing', lastFailure: { at: 1, reason: 'notify-send: not found' } },
    });
    expect(trayTooltip(failing)).toBe(failing.tooltip);
    expect(trayTooltip(failing)).toMatch(/notifications FAILING/);
  });
  it('never says all clear before the core has reported', () => {
    expect(trayTooltip(UNKNOWN_TRAY_MODEL)).toMatch(/starting/);
    expect(UNKNOWN_TRAY_MODEL.state).not.toBe('ok');
  });
  it('fits the Windows tooltip limit, also for a placeholder without a tooltip', () => {
    const { menuStatus: _omitted, ...placeholder } = model;
    const long = trayTooltip({ ...placeholder, status: 'x'.repeat(300) });
    expect(long.length).toBe(TOOLTIP_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('trayMenu', () => {
  const options = { canSnooze: true, canPause: true, formatTime: () => '14:00' };
  it('has the status line, Show, Snooze 1/4/8 h, Pause notifications and Quit', () => {
    const items = trayMenu(model, options);
    expect(items[0]).toEqual({ kind: 'label', label: 'CRITICAL — 2 feeds live' });
    expect(items[1]).toEqual({ kind: 'separator' });
    const actions = items.flatMap((item) => (item.kind === 'action' ? [item.action] : []));
    expect(actions).toEqual(['show', 'snooze-1', 'snooze-4', 'snooze-8', 'toggle-pause', 'quit']);
  });
  it("shows the core's notification problem under the status line", () => {
    const items = trayMenu({ ...model, notificationProblem: 'Notifications failing: no server' }, options);
    expect(items[1]).toEqual({ kind: 'label', label: 'Notifications failing: no server' });
  });
  it('shows the snooze end and the pause state', () => {
    const items = trayMenu({ ...model, snoozedUntil: 1, notificationsPaused: true }, options);
    expect(items[1]).toEqual({ kind: 'label', label: 'Notifications snoozed until 14:00' });
    expect(items.find((i) => i.kind === 'action' && i.action === 'toggle-pause')).toMatchObject({ checked: true });
  });
  it('disables snooze and pause when the core offers no control for them', () => {
    const items = trayMenu(model, { ...options, canSnooze: false, canPause: false });
    const disabled = items.flatMap((item) => (item.kind === 'action' && !item.enabled ? [item.action] : []));
    expect(disabled).toEqual(['snooze-1', 'snooze-4', 'snooze-8', 'toggle-pause']);
  });
});
