/** Whether the parent can read this interpreter's stacks: Linux x86_64 and a minor version with known offsets. */

import { layoutFor } from './layout.js';

export function readableVersion(version: string | undefined): boolean {
  if (process.platform !== 'linux' || process.arch !== 'x64' || !version) return false;
  const m = /^(\d+)\.(\d+)/.exec(version);
  return !!m && layoutFor(`${m[1]}.${m[2]}`) !== undefined;
}
