// A Jest reporter that ends the run with the plain closing line CI systems read:
// "Tests: N passed, N failed, N skipped" (Jest's own summary says "N passed, N total").
// Written at process exit so that it comes after Jest's summary.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}

module.exports = SummaryReporter;
