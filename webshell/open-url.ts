/**
 * Opening a link on the console's own host: a native notification of the browser console is shown
 * on the machine the console runs on, so its "Open runbook" opens the link there, with the
 * desktop's own opener. Only https links are opened (the core sends no other kind).
 */
import { spawn } from 'node:child_process';

/** The command that opens a URL in the desktop's browser, per platform. */
export function urlOpener(platform: NodeJS.Platform, url: string): { command: string; args: string[] } | null {
  if (!url.startsWith('https://')) return null;
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'explorer.exe', args: [url] };
  return { command: 'xdg-open', args: [url] };
}

/** Open `url` on this host; says why not when it cannot. */
export function openOnThisHost(url: string, log: (line: string) => void, platform = process.platform): void {
  const opener = urlOpener(platform, url);
  if (!opener) return log(`not opening ${url}: only https links are opened`);
  const child = spawn(opener.command, opener.args, { detached: true, stdio: 'ignore' });
  child.on('error', (error) => log(`could not open ${url} with ${opener.command}: ${error.message}`));
  child.unref();
}
