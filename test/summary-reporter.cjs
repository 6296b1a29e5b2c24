// A Jest reporter that ends the run with the plain closing line CI systems read:
// "Tests: N passed, N failed, N skipped" (Jest's own summary says "N passed, N total"),
// then, under it, why tests were skipped (a facility this machine lacks: test/facilities.ts
// tags their titles "[needs X]") and the property-test seed that replays the run.
// Written at process exit so that it comes after Jest's summary.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const lines = [`Tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`];
    const run = process.env.TRACEGRADE_TEST_RUN;
    const facilities = run ? read(path.join(run, 'facilities.json')) : {};
    const counts = new Map();
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status !== 'pending') continue;
        for (const m of [...t.ancestorTitles, t.title].join(' ').matchAll(/\[needs ([^\]]+)\]/g)) {
          for (const name of m[1].split(', ')) counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
    }
    for (const [name, n] of [...counts].sort()) {
      lines.push(`  skipped ${n} test${n === 1 ? '' : 's'}: no ${name}: ${facilities[name]?.reason ?? 'not available here'}`);
    }
    if (process.env.TRACEGRADE_SEED) lines.push(`  property tests seed ${process.env.TRACEGRADE_SEED} (replay: TRACEGRADE_SEED=${process.env.TRACEGRADE_SEED} npm test)`);
    const text = `\n${lines.join('\n')}\n`;
    process.once('exit', () => {
      process.stderr.write(text);
      if (run) fs.rmSync(run, { recursive: true, force: true });
    });
  }
}

/** facilities.json of the run (test/facilities.ts), or {} when no test asked for one. */
function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

module.exports = SummaryReporter;
