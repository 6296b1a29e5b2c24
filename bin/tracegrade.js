#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript bundled into dist/bundle/cli.cjs
// (scripts/bundle-cli.mjs), run through V8's code cache (dist/cli/code-cache.js). `npm ci` /
// `npm install` in a clone builds it (the `prepare` script); a package from `npm pack` ships it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/bundle/cli.cjs', import.meta.url);
const loader = new URL('../dist/cli/code-cache.js', import.meta.url);
// Only our own missing build gets the friendly line; anything else is a real error.
if (!existsSync(bundle) || !existsSync(loader)) {
  process.stderr.write(
    'tracegrade: not built yet (dist/bundle/cli.cjs is missing): run `npm run build` (or `npm ci`) in the tracegrade folder first.\n',
  );
  process.exit(2);
}
const argv = process.argv.slice(2);
// Help and version do no work: the handful of tsc modules they need load faster than the bundle.
if (argv.length === 0 || ['-h', '--help', 'help', '-V', '--version', 'version'].includes(argv[0])) {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(argv);
} else {
  const { loadBundle } = await import(loader.href);
  const cli = loadBundle(fileURLToPath(bundle), argv[0]);
  // Before anything is spawned: no run inherits an fd the CLI was started with (src/run/inherited-fds.ts).
  cli.exports.closeInheritedFds(argv);
  process.exitCode = await cli.exports.main(argv);
  cli.save();
}
