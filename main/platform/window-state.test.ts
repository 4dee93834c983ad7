import { describe, expect, it } from 'vitest';
import { closeAction, windowStateChanged, windowStateOf } from './window-state.js';

describe('windowStateOf', () => {
  it('maps a shown, focused window', () => {
    expect(windowStateOf({ isVisible: true, isMinimized: false, isFocused: true })).toEqual({
      visible: true,
      minimized: false,
      focused: true,
    });
  });
  it('treats a minimised window as not visible even where the platform says visible', () => {
    expect(windowStateOf({ isVisible: true, isMinimized: true, isFocused: true })).toEqual({
      visible: false,
      minimized: true,
      focused: false,
    });
  });
  it('treats a hidden (in the tray) window as not visible and not focused', () => {
    expect(windowStateOf({ isVisible: false, isMinimized: false, isFocused: true })).toEqual({
      visible: false,
      minimized: false,
      focused: false,
    });
  });
  it('reports a visible window behind others as visible but not focused', () => {
    expect(windowStateOf({ isVisible: true, isMinimized: false, isFocused: false })).toEqual({
      visible: true,
      minimized: false,
      focused: false,
    });
  });
});

describe('windowStateChanged', () => {
  const shown = { visible: true, minimized: false, focused: true };
  it('reports the first state and each change, not repeats', () => {
    expect(windowStateChanged(null, shown)).toBe(true);
    expect(windowStateChanged(shown, { ...shown })).toBe(false);
    expect(windowStateChanged(shown, { ...shown, focused: false })).toBe(true);
    expect(windowStateChanged(shown, { visible: false, minimized: true, focused: false })).toBe(true);
  });
});

describe('closeAction', () => {
  it('hides to the tray by default', () => {
    expect(closeAction({ hideToTray: true, quitting: false, trayAvailable: true })).toBe('hide-to-tray');
  });
  it('closes when the user turned hiding off, when quitting, or when there is no tray', () => {
    expect(closeAction({ hideToTray: false, quitting: false, trayAvailable: true })).toBe('close');
    expect(closeAction({ hideToTray: true, quitting: true, trayAvailable: true })).toBe('close');
    expect(closeAction({ hideToTray: true, quitting: false, trayAvailable: false })).toBe('close');
  });
});
