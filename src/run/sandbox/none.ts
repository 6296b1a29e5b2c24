/** The none level: the harness's own uid, a wall-time limit and an output cap, nothing else. */

import type { Planner } from './types.js';

export const planNone: Planner = async (req) => ({
  file: req.argv[0]!,
  args: req.argv.slice(1),
  env: { ...req.env, PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: req.workDir, TMPDIR: req.tmpDir },
  cwd: req.workDir,
  mechanisms: ['wall-time limit', 'output cap', 'own process group', 'temp work dir'],
  wrapperExit: false,
});
