import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS, findChrome } from './scripts/find-chrome.mjs';
import { countsReporter } from './scripts/counts-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { coturnPlugin, sdpEsmPlugin, signalingPlugin, tabsPlugin } from './scripts/wtr-plugins.mjs';
import { runesOraclePlugin } from './scripts/runes-oracle-plugin.mjs';

const executablePath = await findChrome();

export default {
  files: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  rootDir: '.',
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000, retries: 0 } },
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } })],
  plugins: [
    sdpEsmPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    signalingPlugin(),
    tabsPlugin(),
    coturnPlugin(),
    runesOraclePlugin(),
  ],
  reporters: [defaultReporter(), countsReporter()],
};
