/**
 * What a failed start tells the user. A packaged app has no terminal, so stderr alone is
 * invisible there: the shell shows this in a dialog (`dialog.showErrorBox`, which Electron
 * documents as safe to call before `ready`), then exits 1. Pure: tested in plain Node.
 */

/** Why the start failed, as far as the shell can tell from the core's reason. */
export type StartupFailureKind = 'sqlite-driver' | 'damaged-history' | 'other';

/** The dialog's title and text. */
export type StartupFailure = { kind: StartupFailureKind; title: string; content: string };

/** Where the app runs, which changes the way out. */
export type StartupContext = { packaged: boolean; platform: NodeJS.Platform };

/** Classify the core's reason (the SqliteDriverError and CorruptHistoryError texts of main/core/store/open-database.ts). */
export function startupFailureKind(reason: string): StartupFailureKind {
  // The history's SqliteDriverError, or the raw dlopen error of another SQLite file (the embedded
  // gateway's journal opens first), which names the module file.
  const driver =
    /SQLite driver \(better-sqlite3\) could not be loaded|NODE_MODULE_VERSION|has not been built for Electron|was built for Electron|better_sqlite3\.node/;
  if (driver.test(reason)) return 'sqlite-driver';
  if (/alert history .* is damaged/.test(reason)) return 'damaged-history';
  return 'other';
}

/** How to start the installed app with one extra argument on each OS. */
export function launchWith(arg: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `open -a Tocsin --args ${arg}`;
  if (platform === 'win32') return `"%LOCALAPPDATA%\\Programs\\Tocsin\\Tocsin.exe" ${arg}`;
  return `tocsin ${arg} (or the AppImage file followed by ${arg})`;
}

/** The dialog for a start that failed with `reason`: what happened, then the way out. */
export function startupFailure(reason: string, context: StartupContext): StartupFailure {
  const kind = startupFailureKind(reason);
  const title = 'Tocsin could not start';
  if (kind === 'sqlite-driver') {
    const wayOut = context.packaged
      ? 'This installation is incomplete or was built for another processor. Reinstall Tocsin from the release for this computer; your alert history is untouched.'
      : 'From source, the Electron build of better-sqlite3 is made by `npm run native:electron` (`npm start` runs it when needed). Your alert history is untouched.';
    return { kind, title, content: `${reason}\n\n${wayOut}` };
  }
  if (kind === 'damaged-history') {
    const command = context.packaged ? launchWith('--reset-history', context.platform) : 'npm start -- --reset-history';
    return {
      kind,
      title,
      content: `${reason}\n\nTo keep the damaged file and start with an empty history, start Tocsin once with:\n${command}`,
    };
  }
  return {
    kind,
    title,
    content: `${reason}\n\nIf this persists, start Tocsin from a terminal to see its log, and report the message above.`,
  };
}
