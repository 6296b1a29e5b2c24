// Module hooks for course folders written as babel-node allows (run.node_resolve: loose):
// - resolve: a relative or absolute specifier without an extension, or naming a folder, that
//   Node's ESM resolver refuses is tried as .js, .mjs, .cjs, then /index.js, /index.mjs, /index.cjs;
// - load: a .js file Node would load as CommonJS (no "type": "module") that has ES module
//   syntax (import/export, top-level await) is loaded as an ES module, so one folder may mix
//   CommonJS and ES module files. What cannot change: a CommonJS file cannot require() an ES module.
// Runs on Node's hooks thread; the student's files stay unmodified.
import { readFile } from 'node:fs/promises';
import { compileFunction } from 'node:vm';

const TRIES = ['.js', '.mjs', '.cjs', '/index.js', '/index.mjs', '/index.cjs'];
const RETRY = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

function looseCandidate(specifier) {
  if (!/^(\.{1,2}\/|\.{1,2}$|\/|file:)/.test(specifier)) return false; // bare: a package
  const last = specifier.split(/[?#]/)[0].split('/').pop();
  return !/\.(m?js|cjs|json|node)$/.test(last);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!err || !RETRY.has(err.code) || !looseCandidate(specifier)) throw err;
    const base = specifier.replace(/\/+$/, '');
    for (const ext of TRIES) {
      try {
        return await nextResolve(base + ext, context);
      } catch (e) {
        if (!e || !RETRY.has(e.code)) throw e;
      }
    }
    throw err;
  }
}

/** Whether CommonJS compilation fails only because the source is an ES module. */
function hasModuleSyntax(source) {
  try {
    compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname']);
    return false;
  } catch (e) {
    return e instanceof SyntaxError && /import statement|'?export'?|import\.meta|await is only valid/.test(String(e.message));
  }
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (result.format !== 'commonjs' || !url.startsWith('file:') || !/\.js$/.test(new URL(url).pathname)) return result;
  const source = result.source ?? (await readFile(new URL(url)));
  if (!hasModuleSyntax(String(source))) return result;
  return { format: 'module', source, shortCircuit: true };
}
