/**
 * Who may call the main process: only the app's own top frame, loaded from the app origin
 * (the security baseline; VS Code's electron-main/ipcMain.ts does the same). Pure, so
 * it is tested without the Electron runtime; main/platform/ipc.ts feeds it `event.senderFrame`.
 */

/**
 * True when `frameUrl` is the top frame (`isTopFrame`) and has exactly the scheme, host and port
 * of `expectedUrl`. Subframes, other origins, credentials in the URL, `null` (a frame that has
 * gone away) and unparsable URLs are all refused.
 */
export function isTrustedSender(
  frameUrl: string | null | undefined,
  isTopFrame: boolean,
  expectedUrl: string,
): boolean {
  if (!isTopFrame || typeof frameUrl !== 'string' || frameUrl === '') return false;
  const actual = parse(frameUrl);
  const expected = parse(expectedUrl);
  if (!actual || !expected) return false;
  // URL.origin is "null" for non-special schemes such as tocsin:, so compare the parts.
  return (
    actual.protocol === expected.protocol &&
    actual.hostname === expected.hostname &&
    actual.port === expected.port &&
    actual.username === '' &&
    actual.password === '' &&
    actual.protocol !== 'file:' &&
    actual.hostname !== ''
  );
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
