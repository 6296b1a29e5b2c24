/**
 * Where each HTML page lives and the anchors inside the class page. Every path is relative to
 * the output folder, with '/', made of slugs only (no '..', no DOS device names).
 */

import type { SubmissionResult } from '../score/types.js';
import { slug } from './text.js';

export const HTML_FILE = 'index.html';
/** Folder of the per-submission pages handed to students (visible checks only). */
export const PAGES_DIR = 'submissions';
/** Folder of the instructor's per-submission pages (every check, the timelines). */
export const DETAIL_DIR = 'detail';

/** A slug that is safe as one file or folder name: no leading dot, not too long, no DOS device name. */
function fileSlug(s: string): string {
  const out = slug(s).slice(0, 100);
  return /^\.|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(out) ? `_${out}` : out;
}

/**
 * Each submission's page under `dir`: `<dir>/<spec>/<id>.html`. Ids repeat across specs (every
 * bundled assignment has a `reference`), hence the spec folder. Names are slugs, made unique
 * ignoring case (ids that differ only in case, or slug alike, would share a file on macOS and
 * Windows) with a `-2`, `-3`… suffix, in the order given.
 */
function pagePaths(dir: string, subs: Array<Pick<SubmissionResult, 'id' | 'spec'>>): string[] {
  const used = new Set<string>();
  return subs.map((s) => {
    const folder = `${dir}/${fileSlug(s.spec)}`;
    const base = fileSlug(s.id);
    let name = `${folder}/${base}.html`;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${folder}/${base}-${n}.html`;
    used.add(name.toLowerCase());
    return name;
  });
}

/** The students' pages: `submissions/<spec>/<id>.html`. */
export function submissionPagePaths(subs: Array<Pick<SubmissionResult, 'id' | 'spec'>>): string[] {
  return pagePaths(PAGES_DIR, subs);
}

/** The instructor's pages: `detail/<spec>/<id>.html` (same names as the students' pages). */
export function detailPagePaths(subs: Array<Pick<SubmissionResult, 'id' | 'spec'>>): string[] {
  return pagePaths(DETAIL_DIR, subs);
}

/** From a page two folders down (`<dir>/<spec>/<id>.html`) back to the output folder. */
export const UP_TO_OUT = '../../';

/** The anchor of a submission's section on its own page. */
export function sectionAnchor(s: Pick<SubmissionResult, 'id'>): string {
  return `s-${slug(s.id)}`;
}

/** The anchor of a spec's section on the class page; unique per spec name. */
export function specAnchors(specs: string[]): string[] {
  const used = new Set<string>();
  return specs.map((name) => {
    let a = `spec-${slug(name)}`;
    while (used.has(a)) a += '_';
    used.add(a);
    return a;
  });
}
