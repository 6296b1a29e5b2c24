// Build step (after tsc): the CLI and the scoring worker as bundles in dist/bundle/. Node loads
// ESM one file at a time (resolve, stat, read, compile each): the CLI's ~250 modules of dist/
// and node_modules cost ~170 ms before `check` did anything; a handful of bundled files cost a
// fraction of that. The library API (dist/index.js, dist/jest) stays tsc's output.
//
// Code splitting keeps each command's code in its own chunk, loaded on demand as before.
// Every `import.meta.url` of a bundled module is rewritten to the URL that module has in dist/,
// so its `new URL('../../x', import.meta.url)` still names the same file.

import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/** `import.meta.url` → this module's own URL in dist/, computed from the bundle's at run time. */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      if (!args.path.startsWith(dist + path.sep)) throw new Error(`import.meta.url outside dist/ cannot be bundled: ${args.path}`);
      const rel = path.relative(outdir, args.path).split(path.sep).join('/');
      const own = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'js' };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: path.join(dist, 'cli/main.js'), 'score-worker': path.join(dist, 'batch/score-worker.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // ajv is loaded through createRequire only when the prebuilt validator is stale: keep it out.
  external: ['ajv', 'ajv/*'],
  // CommonJS dependencies bundled into ESM still `require` node builtins.
  banner: { js: "import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);" },
  plugins: [ownUrl],
  logLevel: 'warning',
  legalComments: 'none',
});
