/**
 * Where tracegrade's own files are (package.json, schema/, docs/, runtime/, dist/): the one place
 * that knows this module sits one folder below the package root, in src/ (ts-jest) and in dist/
 * (built) alike. Modules ask here instead of counting `../` from their own folder. In the CLI's
 * bundle (scripts/bundle-cli.mjs) `import.meta.url` is rewritten to this file's URL in dist/, so
 * the answer is the same there.
 */

import { fileURLToPath } from 'node:url';

const ROOT_URL = new URL('../', import.meta.url);

/** URL of a file or folder of the package, e.g. packageUrl('schema/spec.schema.json'). */
export function packageUrl(relative: string): URL {
  return new URL(relative, ROOT_URL);
}

/** Absolute path of a file or folder of the package (a folder keeps its trailing slash). */
export function packagePath(relative = ''): string {
  return fileURLToPath(packageUrl(relative));
}
