// Test-runner plugin: Firefox tabs next to the Chromium test page, for the interop tests (test/firefox.ts).
// One Firefox (Debian `firefox-esr`, driven by puppeteer-core over WebDriver BiDi) per test file, launched with
// its first tab and killed by its own PID when the file closes it (or when the runner stops).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

/** The Firefox to use (`FIREFOX_PATH` → `firefox-esr` → `firefox` on the PATH), or `{ missing }` saying why there is none. */
export function findFirefox() {
  let path = process.env.FIREFOX_PATH;
  if (!path) {
    const found = spawnSync('sh', ['-c', 'command -v firefox-esr || command -v firefox'], { encoding: 'utf8' });
    path = found.status === 0 ? found.stdout.trim().split('\n')[0] : '';
  }
  if (!path) return { missing: 'Firefox is not installed (Debian package `firefox-esr`: apt-get install firefox-esr)' };
  if (!existsSync(path)) return { missing: `FIREFOX_PATH=${path} does not exist` };
  const v = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (v.status !== 0) return { missing: `${path} --version failed: ${(v.stderr || v.error?.message || '').trim().split('\n')[0]}` };
  return { path, version: v.stdout.trim() };
}

/**
 * Preferences: WebRTC between tabs on this machine without prompts or mDNS names (Chromium runs with
 * `WebRtcHideLocalIpsWithMdns` off, so host candidates carry plain addresses on both sides), fake media devices,
 * and nothing that reaches out to the network on its own (puppeteer already turns off updates, telemetry and the
 * like; these close the rest).
 */
export const FIREFOX_PREFS = {
  'media.navigator.permission.disabled': true,
  'media.navigator.streams.fake': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.default_address_only': false,
  'media.peerconnection.use_document_iceservers': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'dom.push.connection.enabled': false,
  'media.gmp-manager.url': '',
  'media.gmp-gmpopenh264.enabled': false,
  // A tab behind another keeps its timers at full rate, as Chromium's flags do for the Chromium tabs.
  'dom.min_background_timeout_value': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

/**
 * Commands:
 * - `firefox-open {path}` → `{ pending: token }` while a new Firefox tab opens on `path` (same origin as the test
 *   page), or `{ missing }` when Firefox is not installed; the first one launches Firefox for the test file.
 *   `firefox-wait {token}` → `{ id, version }` once the tab is open, `{ pending: token }` after 10 s without.
 * - `firefox-stop` closes that Firefox (kills its process by PID); `firefox-ci` → whether CI=true.
 * - `tab-eval`, `tab-logs`, `tab-reload`, `tab-close` on a Firefox tab's id (the ids start at 1,000,001, apart
 *   from the Chromium tabs' ids of the tabs plugin, which handles every other id): the same helpers drive both.
 * Register it before `tabsPlugin()`.
 */
export function firefoxPlugin() {
  /** Per test file (session id): `{ launching: Promise<Browser>, tabs: Set<id> }`. */
  const browsers = new Map();
  const tabs = new Map();
  let next = 1_000_001;

  async function stop(sessionId) {
    const entry = browsers.get(sessionId);
    if (!entry) return;
    browsers.delete(sessionId);
    for (const id of entry.tabs) tabs.delete(id);
    const b = await entry.launching.catch(() => undefined);
    if (!b) return;
    const child = b.process();
    await Promise.race([b.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    // When close() did not end it: the browser's own process, by its PID (the ChildProcess signals only a child
    // that has not exited, so never a reused PID).
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  async function launch(sessionId, path) {
    let entry = browsers.get(sessionId);
    if (!entry) {
      const launching = puppeteer.launch({
        browser: 'firefox',
        executablePath: path,
        headless: true,
        extraPrefsFirefox: FIREFOX_PREFS,
        protocolTimeout: 60_000,
      });
      entry = { launching, tabs: new Set() };
      browsers.set(sessionId, entry);
      await launching;
    }
    return entry;
  }

  /** Tabs being opened, by token (`firefox-open` → `firefox-wait`). */
  const opening = new Map();
  let nextOpen = 1;

  async function openTab(session, found, path) {
    const entry = await launch(session.id, found.path);
    const browser = await entry.launching;
    const origin = new URL(session.browser.getPage(session.id).url()).origin;
    const page = await browser.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    page.on('dialog', (dialog) => {
      logs.push(`dialog: ${dialog.type()}`);
      void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined);
    });
    await page.goto(new URL(path, origin).href);
    const id = next++;
    tabs.set(id, { page, logs });
    entry.tabs.add(id);
    return { id, version: found.version };
  }

  return {
    name: 'darkswap-firefox',
    async serverStop() {
      await Promise.all([...browsers.keys()].map(stop));
    },
    async executeCommand({ command, payload, session }) {
      if (command === 'firefox-ci') return process.env.CI === 'true';
      if (command === 'firefox-stop') {
        await stop(session.id);
        return true;
      }
      if (command === 'firefox-open') {
        const found = findFirefox();
        if (found.missing) return { missing: found.missing };
        // Launching Firefox and loading a page can outlast the runner's 20 s per command on a busy machine: the
        // work goes on here, and the test asks `firefox-wait` until it is done.
        const token = nextOpen++;
        const job = openTab(session, found, payload.path);
        job.catch(() => undefined);
        opening.set(token, job);
        return { pending: token };
      }
      if (command === 'firefox-wait') {
        const job = opening.get(payload?.token);
        if (!job) throw new Error(`No Firefox tab being opened as ${payload?.token}`);
        const done = await Promise.race([job, new Promise((r) => setTimeout(() => r(undefined), 10_000))]);
        if (done === undefined) return { pending: payload.token };
        opening.delete(payload.token);
        return done;
      }
      if (!command.startsWith('tab-') || !tabs.has(payload?.id)) return undefined;
      const tab = tabs.get(payload.id);
      if (command === 'tab-eval') {
        const value = await tab.page.evaluate(`(${payload.fn})(...${JSON.stringify(payload.args ?? [])})`);
        return { value: value ?? null };
      }
      if (command === 'tab-logs') return tab.logs;
      if (command === 'tab-reload') {
        await tab.page.reload();
        return true;
      }
      if (command === 'tab-close') {
        tabs.delete(payload.id);
        for (const entry of browsers.values()) entry.tabs.delete(payload.id);
        await tab.page.close({ runBeforeUnload: false }).catch(() => undefined);
        return true;
      }
      throw new Error(`${command} is not supported on a Firefox tab`);
    },
  };
}
