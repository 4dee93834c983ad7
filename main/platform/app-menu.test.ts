import { describe, expect, it } from 'vitest';
import { appMenuTemplate, rolesOf } from './app-menu.js';

const actions = { showConsole: () => {} };

describe('appMenuTemplate', () => {
  it('ships no DevTools and no reload in the packaged app, on any OS', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const roles = rolesOf(appMenuTemplate(platform, true, actions)).map((role) => role.toLowerCase());
      expect(roles).not.toContain('toggledevtools');
      expect(roles).not.toContain('reload');
      expect(roles).not.toContain('forcereload');
    }
  });

  it('macOS keeps the app menu (Quit), Edit (copy and paste in fields) and Window', () => {
    expect(rolesOf(appMenuTemplate('darwin', true, actions))).toEqual(
      expect.arrayContaining(['appMenu', 'editMenu', 'windowMenu', 'togglefullscreen']),
    );
  });

  it('Windows and Linux have no menu bar when packaged; from source a Developer menu', () => {
    expect(appMenuTemplate('win32', true, actions)).toBeNull();
    expect(appMenuTemplate('linux', true, actions)).toBeNull();
    expect(rolesOf(appMenuTemplate('linux', false, actions))).toContain('toggleDevTools');
    expect(rolesOf(appMenuTemplate('darwin', false, actions))).toContain('toggleDevTools');
  });
});
