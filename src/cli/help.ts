/** Help texts: one per command, each with an example (kept in step with docs/cli.md). */

import { packagePath } from '../package-root.js';

/** The installed docs folder (beside dist/ or src/), so `--help` names files that exist wherever tracegrade is installed. */
export const DOCS_DIR = packagePath('docs/');
const doc = (name: string): string => `${DOCS_DIR}${name}`;

export const EXIT_CODES = `Exit codes:
  0  ok (grade: grading completed and every --fail-under threshold was met)
  1  check: a visible check did not pass; grade: a --fail-under threshold was not met
  2  bad usage, invalid spec, or a setup that cannot run what was asked
     (python3 missing, --require-sandbox not available)
  3  internal error in tracegrade (set TRACEGRADE_DEBUG=1 for the stack trace)
  4  grade, report, merge: graded, but some results or reports could not be written
     (each named on stderr; nothing graded is lost)
  130 interrupted (Ctrl-C); grade keeps what finished: rerun with --resume
  143 stopped by SIGTERM (a cancelled CI job); the same as Ctrl-C`;

export const MAIN_HELP = `tracegrade — grade asynchronous programs by the order and timing of what they print

Usage: tracegrade <command> [options]

Commands:
  grade     grade submissions against specs and write every report
  check     check your own submission before handing it in (students)
  validate  check spec files, with positioned errors
  record    draft a spec from a reference solution's runs
  report    re-render every report from a saved results.json
  merge     combine results.json files of shards into one set of reports

Options:
  -h, --help     show help (also: tracegrade <command> --help)
  -V, --version  show the version

Examples:
  tracegrade grade specs/ submissions/ --out reports/
  tracegrade check submissions/fetch-and-count/alice
  tracegrade validate specs/*.yaml

${EXIT_CODES}

Docs: ${doc('cli.md')} (commands),
      ${doc('spec-language.md')} (specs).`;

const RUN_OPTIONS = `  --config FILE         the config file to use (default: the nearest tracegrade.config.{json,yaml,mjs}
                        or package.json "tracegrade" key, upward from here; flags override it)
  --sandbox LEVEL       auto (default: strongest available) | bwrap | rlimit | none
  --require-sandbox LEVEL
                        fail (exit 2) unless at least LEVEL is available: bwrap | rlimit | none
  --accept-no-isolation as root, allow a level weaker than bwrap (rlimit, none): the network and
                        world-readable files stay open to submissions (see ${doc('sandbox.md')})
  --clock MODE          real | virtual — overrides the spec's run.clock (virtual:
                        Python and Node specs; command specs keep real time)
  --python VERSION      Python to run Python specs with: a version prefix (3.12) or an absolute path
  --time-scale X        multiply every timing tolerance and at-most bound (slow graders: 2)`;

export const HELP: Record<string, string> = {
  grade: `Usage: tracegrade grade <spec.yaml|specs-dir> <submission…> [options]

Grade each submission against the spec(s) and write every report format to --out.
A submission is a folder (its entry file, e.g. main.py, inside) or a single file used as
the entry. A folder whose sub-folders are submissions is graded one sub-folder each.
With a folder of specs, spec X grades the sub-folders of <submissions>/X/
(the bundled layout: submissions/<spec-name>/<student>/main.py).
An invalid spec stops everything before any run (exit 2).

Options:
  --out DIR             where reports go (default: reports/)
  --jobs N              grade N submissions at once (default: chosen for timing accuracy)
  --resume              reuse results already in --out; grade only what is missing
  --shard i/n           grade only slice i of n (CI matrix); combine with 'tracegrade merge'
  --reporter LIST       comma-separated reporters to write (default: all of
                        json,junit,html,gradescope,github,terminal)
  --gradescope PATH     also write Gradescope's results.json to PATH (a file, or a folder
                        to write results.json in) for one submission, graded against
                        every spec given (in run_autograder: /autograder/results/results.json)
  --reveal-hidden       the due date has passed: the students' pages
                        (submissions/<spec>/<id>.html) also show after_due_date and
                        after_published checks; hidden ones never appear there
                        (index.html always shows every check)
  -t, --check PATTERN   grade only the checks whose id or title contains PATTERN
                        (or matches /regex/); the checks they require run too
  --failed              re-grade only the submissions below full marks in --out's
                        results.json; the others' results are kept
  --fail-under N|N%     CI gate: exit 1 when a submission scores under N points (or N %)
  --fail-under-mean N|N%
                        CI gate: exit 1 when the class mean is under N points (or N %)
${RUN_OPTIONS}
  -h, --help            show this help

Exits 0 when grading completed, whatever the scores — unless a --fail-under
threshold is not met: then 1, after every report is written.

Examples:
  tracegrade grade specs/ submissions/ --out reports/
  tracegrade grade specs/fetch-and-count.yaml class/ --jobs 2 --resume
  tracegrade grade specs/ submissions/ --shard 1/4 --out shard-1/
  tracegrade grade specs/ submissions/ --fail-under 60% --fail-under-mean 80%
  tracegrade grade specs/ submissions/ --failed -t counts`,

  check: `Usage: tracegrade check <submission> [--spec SPEC] [options]

Check your submission before handing it in: every visible check with ✓ or ✗, an
explanation and a hint for each miss, and a trace excerpt with times. Hidden checks are
neither run nor shown.
Without --spec, the spec is found in ./specs: the one named after the submission's folder
or its parent folder (submissions/<spec-name>/<you>/), else the only spec there.

Options:
  --spec FILE           the spec to check against
  -t, --check PATTERN   only the checks whose id or title contains PATTERN (or
                        matches /regex/); the checks they require run too
  -w, --watch           re-check on every save, showing what changed since the last
                        run (q or Ctrl-C quits, Enter re-runs)
${RUN_OPTIONS}
  -h, --help            show this help

Exits 0 when every visible check passes, 1 otherwise, 2 when it cannot check at all
(--watch: the last run's code when you quit).

Examples:
  tracegrade check .  --spec specs/fetch-and-count.yaml
  tracegrade check submissions/fetch-and-count/alice
  tracegrade check . --watch -t done`,

  validate: `Usage: tracegrade validate <spec…>

Check spec files (or folders of them) without running anything. Every problem is reported
with file:line:col, what is wrong and how to fix it; several at once.

Options:
  -h, --help            show this help

Exits 0 when every spec is valid (warnings allowed), 2 otherwise.

Example:
  tracegrade validate specs/*.yaml`,

  record: `Usage: tracegrade record <reference-submission> [options] > spec.yaml

Run a reference solution and draft a spec from what it did: the stdout order (order,
first, last), the timing of key lines (delay) and of regular ticking series (every), the
runtime, the exit code and stderr. The draft validates and passes against the reference;
edit it: keep what the assignment is about, add titles, hints and points.

Options:
  --runtime KIND        python (default; node for .js entries) | node | command
  --entry FILE          entry file inside the reference folder (default: main.py / main.js)
  --command "ARGV"      runtime command: the command line to run ({entry} = the entry path)
  --runs N              run the reference N times to size the tolerances (default: 3)
  --name NAME           spec name (default: the reference folder's name)
  --out FILE            write the draft to FILE instead of stdout (its $schema hint is
                        then relative to FILE's folder)
${RUN_OPTIONS}
  -h, --help            show this help

The draft goes to stdout; progress and a summary go to stderr.

Example:
  tracegrade record submissions/fetch-and-count/reference --runs 3 > specs/my-spec.yaml`,

  report: `Usage: tracegrade report <results.json> [--out DIR] [--reporter LIST] [--reveal-hidden]

Re-render every report (JSON, JUnit XML, HTML, Gradescope, GitHub Actions, terminal) from a
results.json written by 'tracegrade grade'. Nothing is run again.

Options:
  --out DIR             where reports go (default: the folder of results.json)
  --reporter LIST       comma-separated reporters to write (default: all)
  --reveal-hidden       the due date has passed: the students' pages also show
                        after_due_date and after_published checks (never hidden ones)
  --config FILE         the config file to use (default: found upward from here)
  -h, --help            show this help

Examples:
  tracegrade report reports/results.json --out site/
  tracegrade report reports/results.json --reveal-hidden   # after the due date`,

  merge: `Usage: tracegrade merge <results.json…> [--out DIR]

Combine the results.json of several shards ('tracegrade grade --shard i/n') into one set
of reports, identical to those of a single full run.

Options:
  --out DIR             where reports go (default: reports/)
  --reporter LIST       comma-separated reporters to write (default: all)
  --allow-incomplete    merge even when some shards' results are missing
  --config FILE         the config file to use (default: found upward from here)
  -h, --help            show this help

Example:
  tracegrade merge shard-1/results.json shard-2/results.json --out reports/`,
};
