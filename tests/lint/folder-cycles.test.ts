// The folders of main/core form a graph with no cycles: a folder that imports another is
// below it, and nothing below imports back up. The graph is read from the source with the same
// relative-import resolution Node uses, test files left out (they may reach anywhere).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const core = join(root, 'main/core');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The folder directly under main/core that holds `path`, or "(main/core)" for files at its top. */
function folderOf(path: string): string | null {
  const inCore = relative(core, path);
  if (inCore.startsWith('..')) return null;
  const parts = inCore.split('/');
  return parts.length > 1 ? parts[0]! : '(main/core)';
}

/** Folder → folders it imports, each with one example import for the message. */
export function folderGraph(files: string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file)!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const to = folderOf(resolve(dirname(file), match[1]!));
      if (to === null || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      edges.set(to, `${relative(root, file)} imports ${match[1]}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every cycle found by a depth-first search, as a list of folders, with the imports that close it. */
export function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        found.push(
          cycle.map((folder, i) =>
            i + 1 < cycle.length ? `${folder} (${graph.get(folder)!.get(cycle[i + 1]!)})` : folder,
          ),
        );
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('main/core folder graph', () => {
  it('has no cycles', () => {
    expect(cycles(folderGraph(sourceFiles(core)))).toEqual([]);
  });

  it('the check finds a cycle when there is one', () => {
    const graph = new Map([
      ['feed', new Map([['pipeline', 'feed/a.ts imports ../pipeline/b.js']])],
      [
        'pipeline',
        new Map([
          ['store', 'x'],
          ['feed', 'pipeline/b.ts imports ../feed/a.js'],
        ]),
      ],
      ['store', new Map<string, string>()],
    ]);
    expect(cycles(graph)).toEqual([
      ['feed (feed/a.ts imports ../pipeline/b.js)', 'pipeline (pipeline/b.ts imports ../feed/a.js)', 'feed'],
    ]);
  });
});
