import { describe, expect, it } from 'vitest';
import { desktopSettingsOf, launchedHidden, loginItemPlan } from './desktop-settings.js';

const settings = { startAtLogin: true, closeToTray: false, feeds: [] };

describe('desktopSettingsOf', () => {
  it('reads getSettings and a saved updateSettings', () => {
    expect(desktopSettingsOf('getSettings', { ok: true, value: { settings, problems: [] } })).toEqual({
      startAtLogin: true,
      closeToTray: false,
    });
    expect(desktopSettingsOf('updateSettings', { ok: true, value: { saved: true, settings } })).toEqual({
      startAtLogin: true,
      closeToTray: false,
    });
  });

  it('ignores a refused candidate, failures and other operations', () => {
    expect(desktopSettingsOf('updateSettings', { ok: true, value: { saved: false, settings } })).toBeNull();
    expect(desktopSettingsOf('getSettings', { ok: false, code: 'unavailable', message: 'x' })).toBeNull();
    expect(desktopSettingsOf('activeAlerts', { ok: true, value: { settings } })).toBeNull();
    expect(desktopSettingsOf('getSettings', { ok: true, value: { settings: {} } })).toBeNull();
  });
});

describe('loginItemPlan', () => {
  it('macOS: an Electron login item without args (they are Windows-only)', () => {
    expect(loginItemPlan('darwin', true, true)).toEqual({ kind: 'electron', settings: { openAtLogin: true } });
  });
  it('Windows: the Run key with --hidden', () => {
    expect(loginItemPlan('win32', true, true)).toEqual({
      kind: 'electron',
      settings: { openAtLogin: true, args: ['--hidden'] },
    });
  });
  it('Linux: an XDG autostart entry', () => {
    expect(loginItemPlan('linux', false, true)).toEqual({ kind: 'xdg', enabled: false });
  });
  it('from source: not offered (it would start bare Electron at login)', () => {
    expect(loginItemPlan('darwin', true, false).kind).toBe('unsupported');
  });
});

describe('launchedHidden', () => {
  it('--hidden on every platform; wasOpenedAtLogin on macOS only', () => {
    expect(launchedHidden(['tocsin', '--hidden'], 'win32', false)).toBe(true);
    expect(launchedHidden(['Tocsin'], 'darwin', true)).toBe(true);
    expect(launchedHidden(['Tocsin'], 'darwin', false)).toBe(false);
    expect(launchedHidden(['tocsin'], 'linux', true)).toBe(false);
  });
});
