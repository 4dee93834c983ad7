import { describe, expect, it } from 'vitest';
import { shellOptionsFrom } from './options.js';

describe('shellOptionsFrom', () => {
  it('defaults: shown, opens no external links (closing to the tray is a setting: desktop-settings.ts)', () => {
    expect(shellOptionsFrom(['electron', 'dist/main/index.cjs'], {})).toEqual({
      startHidden: false,
      resetHistory: false,
      smokeTest: false,
      externalAllowlist: [],
    });
  });
  it('reads --hidden, --reset-history and TOCSIN_EXTERNAL_HOSTS', () => {
    expect(
      shellOptionsFrom(['tocsin', '--hidden', '--reset-history'], {
        TOCSIN_EXTERNAL_HOSTS: 'Runbooks.example.com, *.grafana.example.net,,',
      }),
    ).toEqual({
      startHidden: true,
      resetHistory: true,
      smokeTest: false,
      externalAllowlist: ['runbooks.example.com', '*.grafana.example.net'],
    });
  });
});
