/**
 * Start at login on Linux: an XDG autostart entry (~/.config/autostart/tocsin.desktop, per the
 * freedesktop Desktop Application Autostart Specification). macOS and Windows use Electron's
 * setLoginItemSettings instead (main/platform/login-item.ts). Pure: tested in plain Node.
 */
import { join } from 'node:path';

/** Where the entry goes: `$XDG_CONFIG_HOME/autostart`, else `~/.config/autostart`. */
export function autostartFile(env: Record<string, string | undefined>, home: string): string {
  const configHome =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart', 'tocsin.desktop');
}

/**
 * The executable to start: inside an AppImage `process.execPath` points into a temporary mount
 * that is gone after exit, so the AppImage file itself (`$APPIMAGE`) must be started instead.
 */
export function autostartCommand(
  env: Record<string, string | undefined>,
  execPath: string,
  args: readonly string[],
): string[] {
  return [env.APPIMAGE && env.APPIMAGE.startsWith('/') ? env.APPIMAGE : execPath, ...args];
}

/** Quote one argument for a desktop entry's Exec key (spec: "The Exec key"). */
export function quoteExecArgument(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new Error('an Exec argument cannot contain line breaks or NUL');
  const escapedPercent = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escapedPercent)) return escapedPercent;
  // Inside double quotes, ", `, $ and \ are escaped with a backslash; the key's string escaping
  // then doubles every backslash.
  const quoted = `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** The .desktop file's content. `command` is the executable followed by its arguments. */
export function autostartEntry(options: {
  name: string;
  comment: string;
  command: readonly string[];
  icon?: string;
}): string {
  const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ');
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${oneLine(options.name)}`,
    `Comment=${oneLine(options.comment)}`,
    `Exec=${options.command.map(quoteExecArgument).join(' ')}`,
    ...(options.icon ? [`Icon=${oneLine(options.icon)}`] : []),
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
  ];
  return `${lines.join('\n')}\n`;
}

/** The argument a login launch carries, so the app starts in the tray without a window. */
export const HIDDEN_ARG = '--hidden';
