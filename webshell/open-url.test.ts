import { describe, expect, it } from 'vitest';
import { openOnThisHost, urlOpener } from './open-url.js';

describe('opening a runbook on the console host', () => {
  it('uses the desktop opener of each platform, for https links only', () => {
    expect(urlOpener('linux', 'https://runbooks.example/a')).toEqual({
      command: 'xdg-open',
      args: ['https://runbooks.example/a'],
    });
    expect(urlOpener('darwin', 'https://r.example')?.command).toBe('open');
    expect(urlOpener('win32', 'https://r.example')?.command).toBe('explorer.exe');
    expect(urlOpener('linux', 'file:///etc/passwd')).toBeNull();
  });

  it('says so when the opener cannot be run, and refuses anything but https', async () => {
    const lines: string[] = [];
    openOnThisHost('javascript:alert(1)', (line) => lines.push(line), 'linux');
    expect(lines).toEqual(['not opening javascript:alert(1): only https links are opened']);
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      openOnThisHost('https://runbooks.example/a', (line) => lines.push(line), 'linux');
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.env.PATH = path;
    }
    expect(lines[1]).toMatch(/^could not open https:\/\/runbooks\.example\/a with xdg-open: spawn xdg-open ENOENT/);
  });
});
