import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS, findChrome } from './scripts/find-chrome.mjs';
import { countsReporter } from './scripts/counts-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { coturnPlugin, pagePlugin, sdpEsmPlugin, signalingClusterPlugin, signalingPlugin, tabsPlugin } from './scripts/wtr-plugins.mjs';
import { runesOraclePlugin } from './scripts/runes-oracle-plugin.mjs';
import { firefoxPlugin } from './scripts/firefox-plugin.mjs';
import { simPlugin } from './scripts/sim/wtr-plugin.mjs';
import { chainServerPlugin } from './scripts/chain-server-plugin.mjs';

const executablePath = await findChrome();

/**
 * `/cdn-copy/…` serves `cdn/…`: the bundles under a second URL space, as a second site embedding the kit would
 * have them (test/bundle-two-copies.test.ts: each copy's lazy chunks load next to it and bind to it).
 */
function cdnCopy(context, next) {
  if (context.path.startsWith('/cdn-copy/')) context.path = context.path.replace(/^\/cdn-copy\//, '/cdn/');
  return next();
}

export default {
  files: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  rootDir: '.',
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000, retries: 0 } },
  middleware: [cdnCopy],
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: CHROME_ARGS } })],
  plugins: [
    sdpEsmPlugin(),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    signalingPlugin(),
    // Before the tabs plugin: it answers the tab commands for Firefox tabs' ids.
    firefoxPlugin(),
    tabsPlugin(),
    pagePlugin(),
    coturnPlugin(),
    signalingClusterPlugin(),
    runesOraclePlugin(),
    simPlugin(),
    chainServerPlugin(),
  ],
  reporters: [defaultReporter(), countsReporter()],
};
