/**
 * junit.xml in the subset GitLab, Jenkins and the GitHub test-report actions read (validated
 * against Jenkins' junit-10.xsd): one testsuite per submission (× spec), one testcase per check,
 * classname = submission id (GitLab shows it as the suite). Points go in the suite's
 * properties (the schema allows no properties on a testcase) and in the failure message.
 */

import { checkLost, tamperReason } from '../score/index.js';
import type { CheckResult, GradeResults, SubmissionResult } from '../score/types.js';
import type { RunRecord } from '../trace/types.js';
import { defuseLine } from './ci-log.js';
import { keyOf, writeOutputs } from './output.js';
import { asSource, type ResultSource } from './source.js';
import { excerptText, pts, relPath, runEnd, runOf, secondsDot, secs, showLine, visible } from './text.js';
import type { ReportContext, Reporter } from './types.js';

export const JUNIT_FILE = 'junit.xml';

/** Trace shown per testcase: lines, characters per line, bytes in all. */
const TRACE_LINES = 100;
const LINE_CHARS = 300;
const TRACE_CHARS = 16 * 1024;
/** Stop adding trace output past this total, far below GitLab's 30 MB per file. */
const FILE_BUDGET = 16 * 1024 * 1024;

/**
 * Characters outside XML 1.0's Char production, after `visible` has turned controls into
 * escapes: a safety net so the file always parses, whatever reaches here.
 */
// eslint-disable-next-line no-control-regex
const ILLEGAL_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for element text. Program text is first made visible (controls → `\xNN`). */
export function xmlText(s: string): string {
  return visible(s, true)
    .replace(ILLEGAL_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** Escape for an attribute value; newlines kept as character references (attributes normalise raw ones). */
export function xmlAttr(s: string): string {
  // Newlines and tabs survive as references; other controls become visible escapes.
  const parts = s.split(/(\r\n|\n|\r)/);
  return parts
    .map((p) => (/^(\r\n|\n|\r)$/.test(p) ? '&#10;' : xmlText(p).replace(/"/g, '&quot;')))
    .join('');
}

/** The trace, one numbered line each: explanations cite "trace line 21" of this trace, and the number finds it. */
function traceText(run: RunRecord): string {
  const out: string[] = run.trace.length ? ['trace line, time, stream │ text'] : [];
  let size = 0;
  for (const [i, l] of run.trace.entries()) {
    if (i >= TRACE_LINES || size > TRACE_CHARS) {
      out.push(`… ${run.trace.length - i} more lines (the complete trace is in results.json)`);
      break;
    }
    const line = defuseLine(`${String(i + 1).padStart(4)} ${secs(l.tMs).padStart(8)} ${l.stream === 'stderr' ? 'err' : 'out'} │ ${showLine(l.text, LINE_CHARS)}`);
    out.push(line);
    size += line.length + 1;
  }
  if (run.trace.length === 0) out.push('(the program printed nothing)');
  return out.join('\n');
}

function runFacts(run: RunRecord, i: number, of: number): string {
  const head = of > 1 ? `run ${i + 1} of ${of}: ` : 'run: ';
  return (
    head +
    [
      runEnd(run),
      `wall ${secs(run.wallMs)}`,
      `clock ${run.clock}`,
      `sandbox ${run.sandbox.level}${run.sandbox.reason ? ` (${run.sandbox.reason})` : ''}`,
      run.runtime ?? '',
    ]
      .filter(Boolean)
      .join(' · ')
  );
}

function failureBody(s: SubmissionResult, c: CheckResult): string {
  const parts = [`${c.message}`];
  if (c.perRun && c.perRun.length > 1) {
    parts.push(c.perRun.map((r, i) => `run ${i + 1}: ${r.status} — ${r.message}`).join('\n'));
  }
  if (c.hint) parts.push(`hint: ${c.hint}`);
  const run = runOf(s, c);
  if (run && c.lines.length) parts.push(`${c.runName !== undefined ? `run '${c.runName}':\n` : ''}${excerptText(run, c.lines, { width: LINE_CHARS })}`);
  return parts.join('\n\n');
}

function testcaseName(c: CheckResult, dupTitles: Set<string>, prefix: string): string {
  const base = dupTitles.has(c.title) ? `${c.title} [${c.id}]` : c.title;
  return prefix + base;
}

interface Budget {
  left: number;
}

/** A suite's counts, from its summary alone (the file's totals come before the suites). */
function suiteCounts(s: SubmissionResult): { tests: number; failures: number; errors: number } {
  const errors = (tamperReason(s) !== undefined ? 1 : 0) + (s.error ? 1 : 0);
  return { tests: errors + s.checks.length, failures: s.checks.filter((c) => checkLost(c)).length, errors };
}

function suiteXml(s: SubmissionResult, multiSpec: boolean, budget: Budget, cwd: string): string {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const c of s.checks) (seen.has(c.title) ? dup : seen).add(c.title);
  const prefix = multiSpec ? `${s.spec}: ` : '';
  const cases: string[] = [];
  let skipped = 0;
  const tampered = tamperReason(s);
  if (tampered !== undefined) {
    const msg = `trace tampered: ${tampered}`;
    cases.push(
      `    <testcase name="${xmlAttr(`${prefix}trace integrity`)}" classname="${xmlAttr(s.id)}" time="0.000">\n` +
        `      <error message="${xmlAttr(msg)}" type="tampered">${xmlText(`${msg} (flagged for review, score 0)`)}</error>\n    </testcase>`,
    );
  }
  if (s.error) {
    cases.push(
      `    <testcase name="${xmlAttr(`${prefix}submission runs`)}" classname="${xmlAttr(s.id)}" time="0.000">\n` +
        `      <error message="${xmlAttr(s.error)}" type="${s.tampered ? 'tampered' : 'error'}">${xmlText(s.error)}</error>\n    </testcase>`,
    );
  }
  for (const c of s.checks) {
    const open = `    <testcase name="${xmlAttr(testcaseName(c, dup, prefix))}" classname="${xmlAttr(s.id)}" time="0.000"`;
    const points = `${pts(c.points)}/${pts(c.maxPoints)} points`;
    if (c.status === 'skipped') {
      skipped++;
      cases.push(`${open}>\n      <skipped message="${xmlAttr(`${points}: ${c.message}`)}"/>\n    </testcase>`);
    } else if (checkLost(c)) {
      let body = `${open}>\n      <failure message="${xmlAttr(`${points}: ${c.message}`)}" type="${c.status}">${xmlText(failureBody(s, c))}</failure>`;
      const run = runOf(s, c);
      if (run && budget.left > 0) {
        const out = `<system-out>${xmlText(traceText(run))}</system-out>`;
        budget.left -= out.length;
        body += `\n      ${out}`;
      }
      cases.push(`${body}\n    </testcase>`);
    } else if (c.status === 'unstable') {
      // Full points under the repeat policy, but not every run passed: say so without failing.
      cases.push(`${open}>\n      <system-out>${xmlText(`unstable (${points}): ${failureBody(s, c)}`)}</system-out>\n    </testcase>`);
    } else {
      cases.push(`${open}/>`);
    }
  }
  const props: Array<[string, string]> = [
    ['submission', s.id],
    ['path', s.path],
    ['spec', s.spec],
    ['spec_file', s.specFile],
    ['score', pts(tampered !== undefined ? 0 : s.score)],
    ['max_score', pts(s.maxScore)],
    ...s.checks.map((c): [string, string] => [`points.${c.id}`, `${pts(c.points)}/${pts(c.maxPoints)}`]),
    ...s.runs.flatMap((r, i): Array<[string, string]> => [
      [`run.${i + 1}.exit_code`, r.exitCode === null ? '' : String(r.exitCode)],
      [`run.${i + 1}.signal`, r.signal ?? ''],
      [`run.${i + 1}.timed_out`, String(r.timedOut)],
      [`run.${i + 1}.wall_s`, secondsDot(r.wallMs)],
      [`run.${i + 1}.sandbox`, r.sandbox.level],
    ]),
  ];
  const facts = s.runs.map((r, i) => runFacts(r, i, s.runs.length)).join('\n');
  const name = multiSpec ? `${s.id} — ${s.spec}` : s.id;
  const { tests, failures, errors } = suiteCounts(s);
  return (
    `  <testsuite name="${xmlAttr(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" ` +
    `time="${secondsDot(s.durationMs)}" timestamp="${xmlAttr(s.gradedAt)}" package="${xmlAttr(s.spec)}" file="${xmlAttr(relPath(s.specFile, cwd))}">\n` +
    `    <properties>\n${props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`).join('\n')}\n    </properties>\n` +
    `${cases.join('\n')}\n` +
    `    <system-out>${xmlText(`${s.specTitle}\nscore ${pts(tampered !== undefined ? 0 : s.score)}/${pts(s.maxScore)}\n${facts}`)}</system-out>\n` +
    `  </testsuite>`
  );
}

/**
 * junit.xml in parts: text, or the index of a submission whose suite goes there. The totals
 * come from the summaries; the suites are rendered in order (the trace budget is the file's).
 */
function* layout(summaries: SubmissionResult[]): Generator<string | number> {
  const counts = summaries.map(suiteCounts);
  const sum = (k: 'tests' | 'failures' | 'errors') => counts.reduce((a, x) => a + x[k], 0);
  const time = summaries.reduce((a, s) => a + s.durationMs, 0);
  yield `<?xml version="1.0" encoding="UTF-8"?>\n` + `<testsuites name="tracegrade" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${secondsDot(time)}">\n`;
  for (let i = 0; i < summaries.length; i++) yield i;
  yield `</testsuites>\n`;
}

const isMultiSpec = (subs: SubmissionResult[]) => new Set(subs.map((s) => s.spec)).size > 1;

/** The whole junit.xml document. */
export function renderJunit(results: GradeResults, cwd = process.cwd()): string {
  const multiSpec = isMultiSpec(results.submissions);
  const budget: Budget = { left: FILE_BUDGET };
  const parts = [...layout(results.submissions)];
  return parts.map((p) => (typeof p === 'number' ? suiteXml(results.submissions[p]!, multiSpec, budget, cwd) + '\n' : p)).join('');
}

/** junit.xml as chunks, each submission's full result read as its suite is written. */
async function* junitChunks(source: ResultSource, cwd: string): AsyncGenerator<string> {
  const multiSpec = isMultiSpec(source.results.submissions);
  const budget: Budget = { left: FILE_BUDGET };
  for (const p of layout(source.results.submissions)) yield typeof p === 'number' ? suiteXml(await source.load(p), multiSpec, budget, cwd) + '\n' : p;
}

export const junitReporter: Reporter = {
  name: 'junit',
  async write(input: GradeResults | ResultSource, ctx: ReportContext): Promise<string[]> {
    const source = asSource(input);
    // Rendered and written only when the results changed (see output.ts).
    const cwd = ctx.cwd ?? process.cwd();
    const { submissions: _s, ...header } = source.results;
    const key = keyOf('junit', cwd, JSON.stringify(header), ...source.digests);
    return writeOutputs(ctx.outDir, 'junit', (out) => out.put(JUNIT_FILE, key, () => junitChunks(source, cwd)).then(() => undefined));
  },
};
