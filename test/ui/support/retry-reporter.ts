// The UI suite's reporter: mocha's spec reporter, plus the error of every attempt that is retried.
// Mocha reports only a test's last attempt, so a test that passed or failed on its retry would hide
// why its first attempt failed (and a retry often fails for a different reason: state the first left).
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_TEST_RETRY } = Mocha.Runner.constants;

class RetryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.on(EVENT_TEST_RETRY, (test: Mocha.Test, err: Error) => {
      const detail = String(err?.stack ?? err).replace(/\n/g, '\n      ');
      console.log(`\n    ↻ retrying "${test.fullTitle()}" after its attempt failed:\n      ${detail}\n`);
    });
  }
}

// Mocha loads a reporter with require() and uses the module itself as the class.
module.exports = RetryReporter;
