import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellOptionsFrom } from './options.js';
import { failureEnding, SMOKE_OK, SMOKE_TEST_ARG } from './smoke.js';

describe('--smoke-test', () => {
  it('is parsed, and a failed start then never waits on a dialog', () => {
    expect(shellOptionsFrom(['tocsin', SMOKE_TEST_ARG], {}).smokeTest).toBe(true);
    expect(shellOptionsFrom(['tocsin'], {}).smokeTest).toBe(false);
    expect(failureEnding(true)).toBe('stderr');
    expect(failureEnding(false)).toBe('dialog');
  });

  it('the release workflow runs it on macOS, Windows and Linux and checks its line', () => {
    const workflow = readFileSync(join(import.meta.dirname, '../../.github/workflows/release.yml'), 'utf8');
    const smoke = workflow.slice(workflow.indexOf('\n  smoke:'));
    expect(smoke).toContain(SMOKE_TEST_ARG);
    expect(smoke).toContain(SMOKE_OK);
    for (const os of ['macos-latest', 'windows-latest', 'ubuntu-latest']) expect(smoke).toContain(os);
    expect(smoke).toMatch(/xvfb-run/);
  });
});
