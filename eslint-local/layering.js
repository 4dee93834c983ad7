// A local ESLint rule: which top-level folder (layer) may import which. The table itself lives in
// eslint.config.js, so the architecture is read in one place; this file only enforces it.
//
// A file belongs to the layer whose folder is the longest prefix of its path; so does the file an
// import resolves to. A layer may always import itself; anything else must be listed. Files in no
// layer (tests, benchmarks, scripts) are not restricted, and neither are package imports.
import { dirname, relative, resolve, sep } from 'node:path';

/** The layer of a repository-relative path (forward slashes), or null. */
export function layerOf(path, layers) {
  let best = null;
  for (const layer of layers) {
    if ((path === layer || path.startsWith(`${layer}/`)) && (best === null || layer.length > best.length)) best = layer;
  }
  return best;
}

const toPosix = (path) => path.split(sep).join('/');

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce which layer (top-level folder) may import which' },
    schema: [{ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }],
    messages: {
      notAllowed:
        '{{from}} may not import {{to}} ({{target}}); {{from}} may import {{allowed}}. The layering table is in eslint.config.js.',
    },
  },
  create(context) {
    const table = context.options[0] ?? {};
    const layers = Object.keys(table);
    const root = context.cwd;
    const file = toPosix(relative(root, context.filename));
    const from = layerOf(file, layers);
    if (from === null) return {};
    const allowed = new Set([from, ...table[from]]);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = toPosix(relative(root, resolve(dirname(context.filename), source)));
      const to = layerOf(target, layers);
      if (to === null || allowed.has(to)) return;
      context.report({ node, messageId: 'notAllowed', data: { from, to, target, allowed: [...allowed].join(', ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export const localPlugin = { rules: { layering: layeringRule } };
