// Prints the closing `N passed, N failed` line CI reads. A test file that fails to load counts as a failure.
function countSuite(suite, totals) {
  for (const test of suite.tests ?? []) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite.suites ?? []) countSuite(child, totals);
}

export function countsReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) countSuite(session.testResults, totals);
        const loadFailed = !session.passed && (session.errors?.length ?? 0) > 0 && !session.testResults?.tests?.length && !session.testResults?.suites?.length;
        if (loadFailed) totals.failed++;
      }
      // Printed after the default reporter's summary, alone on a line.
      setTimeout(() => console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`), 0);
    },
  };
}
