import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, settingsErrors } from './settings.js';

const file = (content?: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tocsin-settings-')), 'settings.json');
  if (content !== undefined) writeFileSync(path, content);
  return path;
};

describe('settings', () => {
  it('uses the defaults when there is no file', async () => {
    expect(await loadSettings(file())).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('reports a corrupted file, uses the defaults, and leaves the file untouched', async () => {
    const path = file('{"theme": "dark", ');
    const loaded = await loadSettings(path);
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.problems).toEqual([
      expect.stringMatching(/settings\.json is not valid JSON .*leaving the file as it is/),
    ]);
    expect(readFileSync(path, 'utf8')).toBe('{"theme": "dark", ');
  });

  it('reports unknown keys and out-of-range values by name, and keeps every valid field', async () => {
    const path = file(
      JSON.stringify({ theme: 'dark', colour: 'red', notifications: { capPerMinute: 100_000 }, closeToTray: false }),
    );
    const loaded = await loadSettings(path);
    expect(loaded.settings.theme).toBe('dark');
    expect(loaded.settings.closeToTray).toBe(false);
    expect(loaded.settings.notifications).toEqual(DEFAULT_SETTINGS.notifications);
    expect(loaded.problems).toEqual([
      `${path}: unknown setting "colour" ignored`,
      `${path}: notifications.capPerMinute: Too big: expected number to be <=120; using the default`,
    ]);
  });

  it('names every invalid field of a candidate, and saves valid settings atomically and privately', async () => {
    expect(
      settingsErrors({ ...DEFAULT_SETTINGS, feeds: [{ id: 'Prod!', name: 'prod', url: 'http://x', token: 'short' }] }),
    ).toEqual({
      'feeds.0.id': 'lower-case letters, digits and dashes',
      'feeds.0.url': 'a ws:// or wss:// URL',
      'feeds.0.token': 'at least 16 characters',
    });
    const feed = { id: 'prod', name: 'prod', url: 'wss://x', token: 'a-long-enough-token' };
    expect(
      settingsErrors({ ...DEFAULT_SETTINGS, feeds: [{ ...feed, ca: '/etc/ssl/ca.pem', pin: 'sha256/abc' }] }),
    ).toEqual({
      'feeds.0.ca': 'a PEM certificate (-----BEGIN CERTIFICATE----- …)',
      'feeds.0.pin': 'a base64 SHA-256 (44 characters)',
    });
    expect(
      settingsErrors({
        ...DEFAULT_SETTINGS,
        feeds: [
          {
            ...feed,
            ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
            pin: Buffer.alloc(32).toString('base64'),
          },
        ],
      }),
    ).toEqual({});
    const path = file();
    await saveSettings(path, { ...DEFAULT_SETTINGS, theme: 'light' });
    expect((await loadSettings(path)).settings.theme).toBe('light');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
