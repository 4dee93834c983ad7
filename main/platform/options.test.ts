import { describe, expect, it } from 'vitest';
import { shellOptionsFrom } from './options.js';

describe('shellOptionsFrom', () => {
  it('defaults: shown, closes to tray, opens no external links', () => {
    expect(shellOptionsFrom(['electron', 'dist/main/index.cjs'], {})).toEqual({
      startHidden: false,
      resetHistory: false,
      closeToTray: true,
      externalAllowlist: [],
    });
  });
  it('reads --hidden, TOCSIN_CLOSE_TO_TRAY and TOCSIN_EXTERNAL_HOSTS', () => {
    expect(
      shellOptionsFrom(['tocsin', '--hidden', '--reset-history'], {
        TOCSIN_CLOSE_TO_TRAY: ' Off ',
        TOCSIN_EXTERNAL_HOSTS: 'Runbooks.example.com, *.grafana.example.net,,',
      }),
    ).toEqual({
      startHidden: true,
      resetHistory: true,
      closeToTray: false,
      externalAllowlist: ['runbooks.example.com', '*.grafana.example.net'],
    });
  });
});
