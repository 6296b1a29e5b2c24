// Build step: copy @sinonjs/fake-timers and its runtime dependencies (@sinonjs/commons,
// type-detect) into runtime/node/vendor/node_modules. The Node virtual-clock preload
// (runtime/node/virtual.cjs) requires them from there, relative to itself: runtime/node is the
// one tracegrade dir the sandbox shows the program (read-only, at /opt/tracegrade/N under bwrap),
// so tracegrade's own node_modules need not be reachable inside it. Only package.json, LICENSE
// and the files the package's `main` needs are copied; the copy is rebuilt every time.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'runtime', 'node', 'vendor', 'node_modules');

/** The package and its production dependencies, each resolved from the one that needs it. */
function closure(name, from, seen = new Map()) {
  if (seen.has(name)) return seen;
  const req = createRequire(path.join(from, 'package.json'));
  const dir = path.dirname(req.resolve(`${name}/package.json`));
  seen.set(name, dir);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) closure(dep, dir, seen);
  return seen;
}

rmSync(path.join(root, 'runtime', 'node', 'vendor'), { recursive: true, force: true });
for (const [name, dir] of closure('@sinonjs/fake-timers', root)) {
  const to = path.join(out, name);
  mkdirSync(to, { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  // The folder holding `main` (src/, lib/, or the file itself at the top), plus the metadata.
  const main = pkg.main ?? 'index.js';
  const top = main.replace(/^\.\//, '').split('/')[0];
  for (const f of new Set(['package.json', 'LICENSE', top])) {
    if (existsSync(path.join(dir, f))) cpSync(path.join(dir, f), path.join(to, f), { recursive: true, filter: (src) => !/\.test\.js$|\.md$/.test(src) });
  }
}
