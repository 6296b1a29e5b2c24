/**
 * The keys of report files' inputs (output.ts writes a file again only when its key changed):
 * a hash per submission result, and a stamp of the renderers themselves.
 */

import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolVersion } from '../batch/version.js';
import type { SubmissionResult } from '../score/types.js';

const digests = new WeakMap<SubmissionResult, string>();

/** A hash of one submission's complete result, computed once per object. */
export function submissionDigest(s: SubmissionResult): string {
  let d = digests.get(s);
  if (!d) digests.set(s, (d = createHash('sha256').update(JSON.stringify(s)).digest('base64url')));
  return d;
}

let stamp: string | undefined;

/**
 * What identifies the renderers themselves: tracegrade's version and the size and mtime of every
 * file of this folder (src/report or dist/report), so a rebuilt or upgraded tracegrade renders
 * every page again even when the version number did not change.
 */
function rendererStamp(): string {
  if (stamp === undefined) {
    const here = dirname(fileURLToPath(import.meta.url));
    let files: string[] = [];
    try {
      files = readdirSync(here).sort();
    } catch {
      /* no listing: the version alone */
    }
    const h = createHash('sha256').update(toolVersion());
    for (const f of files) {
      const st = statSync(join(here, f), { throwIfNoEntry: false });
      if (st) h.update(`\u0000${f}\u0000${st.size}\u0000${st.mtimeMs}`);
    }
    stamp = h.digest('base64url');
  }
  return stamp;
}

/** The key of a file's input: its parts and the renderers' stamp. */
export function keyOf(...parts: string[]): string {
  return createHash('sha256').update(rendererStamp()).update(parts.join('\u0000')).digest('base64url');
}
