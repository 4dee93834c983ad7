// Electronegativity (Doyensec's Electron security scanner) over the Electron shell's sources:
// no high or medium finding may stand unless it was reviewed and justified in one line in
// electronegativity-reviewed.json, and no review may outlive its finding.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

type Finding = {
  id: string;
  file: string;
  severity: { name: string };
  confidence: { name: string };
  location: { line: number };
  description: string;
};
type Review = { id: string; file: string; justification: string; optional?: boolean };
type Scan = { issues: Finding[]; errors: Array<{ file: string; message: string; tolerable: boolean }> };

const root = join(import.meta.dirname, '../..');
const reviewFile = JSON.parse(readFileSync(join(import.meta.dirname, 'electronegativity-reviewed.json'), 'utf8')) as {
  reviewed: Review[];
  excludedChecks: Array<{ id: string; justification: string }>;
};
const electronegativity = createRequire(import.meta.url)('@doyensec/electronegativity') as (
  options: object,
  forCli: boolean,
) => Promise<Scan>;
let scan: Scan;

/** The shell's shipped sources (no tests), plus the renderer's HTML and package.json (Electron version). */
function stageInput(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-electronegativity-'));
  mkdirSync(join(dir, 'main/platform'), { recursive: true });
  cpSync(join(root, 'main/index.ts'), join(dir, 'main/index.ts'));
  for (const folder of ['main/platform', 'preload']) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (const file of readdirSync(join(root, folder))) {
      if (file.endsWith('.ts') && !file.endsWith('.test.ts')) cpSync(join(root, folder, file), join(dir, folder, file));
    }
  }
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  if (existsSync(join(root, 'renderer/index.html')))
    cpSync(join(root, 'renderer/index.html'), join(dir, 'renderer/index.html'));
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  return dir;
}

function runScan(input: string): Promise<Scan> {
  return electronegativity(
    {
      input,
      isRelative: true,
      isSarif: false,
      customScan: [],
      excludeFromScan: reviewFile.excludedChecks.map((check) => check.id),
      parserPlugins: [],
    },
    false,
  );
}

beforeAll(async () => {
  scan = await runScan(stageInput());
}, 60_000);

const blocking = (finding: Finding) => ['HIGH', 'MEDIUM'].includes(finding.severity.name);
const matches = (review: Review, finding: Finding) => review.id === finding.id && review.file === finding.file;

describe('Electronegativity over the Electron shell', () => {
  it('does find problems in an insecure window written in the same TypeScript (the scan is not vacuous)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tocsin-electronegativity-bad-'));
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    writeFileSync(
      join(dir, 'bad.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w: BrowserWindow = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const ids = (await runScan(dir)).issues.filter(blocking).map((finding) => finding.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]),
    );
  }, 60_000);

  it('parses every file', () => {
    expect(scan.errors.filter((error) => !error.tolerable)).toEqual([]);
  });

  it('has no unreviewed high or medium finding', () => {
    const unreviewed = scan.issues
      .filter(blocking)
      .filter((finding) => !reviewFile.reviewed.some((review) => matches(review, finding)))
      .map((f) => `${f.id} ${f.severity.name} ${f.file}:${f.location.line} ${f.description}`);
    expect(unreviewed).toEqual([]);
  });

  it('keeps no stale review, and justifies each in one line', () => {
    for (const review of reviewFile.reviewed) {
      if (!review.optional)
        expect(
          scan.issues.some((finding) => matches(review, finding)),
          `${review.id} in ${review.file} no longer found: remove the review`,
        ).toBe(true);
      expect(review.justification.trim().length).toBeGreaterThan(20);
      expect(review.justification).not.toMatch(/\n/);
    }
  });
});
