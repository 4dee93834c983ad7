import { describe, expect, it } from 'vitest';
import { revealPlan, runsOnWayland } from './window-reveal.js';

describe('runsOnWayland', () => {
  it('follows the session on Linux, and an explicit --ozone-platform wins', () => {
    expect(runsOnWayland('linux', { XDG_SESSION_TYPE: 'wayland' }, [])).toBe(true);
    expect(runsOnWayland('linux', { WAYLAND_DISPLAY: 'wayland-0' }, [])).toBe(true);
    expect(runsOnWayland('linux', { XDG_SESSION_TYPE: 'x11' }, [])).toBe(false);
    expect(runsOnWayland('linux', { XDG_SESSION_TYPE: 'wayland' }, ['--ozone-platform=x11'])).toBe(false);
    expect(runsOnWayland('linux', { XDG_SESSION_TYPE: 'wayland' }, ['--ozone-platform=auto'])).toBe(true);
    expect(runsOnWayland('darwin', { WAYLAND_DISPLAY: 'w' }, [])).toBe(false);
  });
});

describe('revealPlan', () => {
  it('on Wayland shows on did-finish-load too, since ready-to-show may never fire (electron #48859)', () => {
    expect(revealPlan('linux', { XDG_SESSION_TYPE: 'wayland' }, []).events).toContain('did-finish-load');
  });
  it('elsewhere waits for ready-to-show, with a fallback timer everywhere', () => {
    const plan = revealPlan('win32', {}, []);
    expect(plan.events).toEqual(['ready-to-show']);
    expect(plan.fallbackMs).toBeGreaterThan(0);
  });
});
