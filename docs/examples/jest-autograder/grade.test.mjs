// An instructor's Jest autograder using tracegrade's checks (docs/library.md, "Inside Jest").
// Run it with Jest's ESM support:
//   node --experimental-vm-modules node_modules/jest/bin/jest.js
// It grades the folder `submission/` beside this file, or the one named by $SUBMISSION.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'tracegrade/jest'; // also adds the matchers to Jest's expect

const here = dirname(fileURLToPath(import.meta.url));
const spec = join(here, 'event-loop.yaml');
const submission = resolve(here, process.env.SUBMISSION ?? 'submission');

// One run, made the first time a test awaits it, shared by the quick checks below.
const main = run(submission, { spec });

test('meets the whole spec', async () => {
  // Graded as `tracegrade check` grades it; a failure prints the same report.
  await expect(submission).toSatisfySpec(spec);
}, 30_000);

test('prints start and end before any timer fires', async () => {
  await expect(main).toPrintInOrder(['start', 'end', 'timeout 0', 'timeout 500']);
}, 30_000);

test('"timeout 500" comes half a second after "start"', async () => {
  await expect(main).toPrintWithin('timeout 500', { after: 'start', atLeast: '0.45s', atMost: '0.6s' });
}, 30_000);
