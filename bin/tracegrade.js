#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript bundled into dist/bundle/ (scripts/bundle-cli.mjs:
// a few files load far faster than dist/'s hundreds of modules). `npm ci` / `npm install` in a
// clone builds it (the `prepare` script); a package from `npm pack` ships it.
const main = await import('../dist/bundle/cli.js').then(
  (m) => m.main,
  (err) => {
    // Only our own missing build gets the friendly line; anything else is a real error.
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && /dist[\\/]bundle[\\/]cli\.js/.test(String(err.message))) {
      process.stderr.write(
        'tracegrade: not built yet (dist/bundle/cli.js is missing): run `npm run build` (or `npm ci`) in the tracegrade folder first.\n',
      );
      process.exit(2);
    }
    throw err;
  },
);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
