// Build step (after tsc): the CLI and the scoring worker as bundles in dist/bundle/. Node loads
// ESM one file at a time (resolve, stat, read, compile each): the CLI's ~250 modules of dist/
// and node_modules cost ~170 ms before `check` did anything. One file loads far faster, and as
// a CommonJS script it can be compiled from V8's code cache (src/cli/code-cache.ts), which ESM
// cannot on Node 20. The library API (dist/index.js, dist/jest) stays tsc's output.
//
//   dist/bundle/cli.cjs          the CLI (bin/tracegrade.js loads it through the code cache,
//                                which passes `__tgImport`)
//   dist/bundle/score-worker.js  the scoring worker (ESM: a Worker loads it by path)
//
// Every `import.meta.url` of a bundled module is rewritten to the URL that module has in dist/,
// so its `new URL('../../x', import.meta.url)` still names the same file.

import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/** An `import(` whose argument is not a string literal: esbuild leaves it to run time. */
const RUNTIME_IMPORT = /(?<![\w$.])import\((?!\s*['"`])/;

/**
 * `import.meta.url` → this module's own URL in dist/, computed from the bundle's location at run
 * time. For the CommonJS bundle (`script: true`), also every import() left to run time (a
 * user's tracegrade.config.mjs) → `__tgImport(`, the loader's own import(): a vm.Script has
 * none of its own on Node 20 without an experimental flag, and loses it with a code cache.
 */
function rewrite(expression, { script = false } = {}) {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
        let text = await readFile(args.path, 'utf8');
        const meta = text.includes('import.meta.url');
        const dynamic = script && RUNTIME_IMPORT.test(text);
        if (!meta && !dynamic) return undefined;
        if (meta) {
          if (!args.path.startsWith(dist + path.sep)) throw new Error(`import.meta.url outside dist/ cannot be bundled: ${args.path}`);
          const rel = JSON.stringify(path.relative(outdir, args.path).split(path.sep).join('/'));
          text = text.replaceAll('import.meta.url', expression(rel));
        }
        if (dynamic) text = text.replace(new RegExp(RUNTIME_IMPORT.source, 'g'), '__tgImport(');
        return { contents: text, loader: 'js' };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // ajv is loaded through createRequire only when the prebuilt validator is stale: keep it out.
  external: ['ajv', 'ajv/*'],
  logLevel: 'warning',
  legalComments: 'none',
};

await rm(outdir, { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: [path.join(dist, 'cli/main.js')],
    outfile: path.join(outdir, 'cli.cjs'),
    format: 'cjs',
    banner: { js: "const __tgOwnUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;" },
    plugins: [rewrite((rel) => `__tgOwnUrl(${rel})`, { script: true })],
  }),
  build({
    ...common,
    entryPoints: [path.join(dist, 'batch/score-worker.js')],
    outfile: path.join(outdir, 'score-worker.js'),
    format: 'esm',
    // CommonJS dependencies bundled into ESM still `require` node builtins.
    banner: { js: "import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);" },
    plugins: [rewrite((rel) => `new URL(${rel}, import.meta.url).href`)],
  }),
]);
