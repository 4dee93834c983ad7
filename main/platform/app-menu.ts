/**
 * The application menu. Without one Electron installs its default menu, whose View menu has
 * Reload and Toggle Developer Tools (lib/browser/default-menu.ts), so a packaged build would ship
 * DevTools one shortcut away. Pure: the template is data, tested in plain Node; main/index.ts
 * hands it to Menu.setApplicationMenu.
 *
 * macOS keeps a menu bar (the app menu carries Quit and Hide, the Edit menu is what makes
 * Cmd+C/V/X/A work in text fields, Window carries Minimize). Windows and Linux get none in the
 * packaged app (`null`: app.md says it removes the menu bar there); the page has its own UI and
 * Chromium handles copy and paste without a menu. From source, a Developer menu keeps Reload and
 * DevTools.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu offers besides roles. */
export type MenuActions = { showConsole(): void };

/** The template, or null for no menu (and no menu bar) at all. */
export function appMenuTemplate(
  platform: NodeJS.Platform,
  packaged: boolean,
  actions: MenuActions,
): MenuItemConstructorOptions[] | null {
  const developer: MenuItemConstructorOptions[] = packaged
    ? []
    : [{ label: 'Developer', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] }];
  if (platform !== 'darwin') return packaged ? null : developer;
  return [
    { role: 'appMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Show Tocsin', accelerator: 'CmdOrCtrl+0', click: () => actions.showConsole() },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    ...developer,
  ];
}

/** Every role in a template, nested menus included (for tests and audits). */
export function rolesOf(template: readonly MenuItemConstructorOptions[] | null): string[] {
  return (template ?? []).flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? rolesOf(item.submenu) : []),
  ]);
}
