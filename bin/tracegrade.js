#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/. `npm ci` / `npm install` in a clone
// builds it (the `prepare` script); a package from `npm pack` ships it.
const main = await import('../dist/cli/main.js').then(
  (m) => m.main,
  (err) => {
    // Only our own missing build gets the friendly line; anything else is a real error.
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main\.js/.test(String(err.message))) {
      process.stderr.write(
        'tracegrade: not built yet (dist/cli/main.js is missing): run `npm run build` (or `npm ci`) in the tracegrade folder first.\n',
      );
      process.exit(2);
    }
    throw err;
  },
);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
