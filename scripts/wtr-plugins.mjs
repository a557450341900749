// Test-runner plugins: a real PeerServer for the browser, extra tabs, and the `sdp` CommonJS shim.
import { startSignaling } from './signaling.mjs';
import { coturnMissing, startCoturn } from './coturn.mjs';
import { redisMissing, startRedis } from './redis.mjs';
import { nodeMissing, startNode } from './signaling-node.mjs';
import { isPeerjsModule, stripPeerjsPublicDefaults } from './peerjs-no-public-defaults.mjs';

/**
 * Starts a real PeerServer on 127.0.0.1 with an ephemeral port when the test runner starts.
 * Commands: `signaling-info` → {host, port, path, key, url}; `signaling-stop`; `signaling-start`
 * (restarts on the same port).
 */
export function signalingPlugin() {
  let signaling;
  return {
    name: 'darkswap-signaling',
    async serverStart() {
      signaling = await startSignaling();
    },
    async serverStop() {
      await signaling?.stop();
    },
    async executeCommand({ command }) {
      if (command === 'signaling-info') {
        const { host, port, path, key, url } = signaling;
        return { host, port, path, key, url };
      }
      if (command === 'signaling-stop') {
        await signaling.stop();
        return true;
      }
      if (command === 'signaling-start') {
        await signaling.start();
        return true;
      }
      return undefined;
    },
  };
}

/**
 * Real coturns for TURN tests, started on demand and stopped by the test (or when the runner stops).
 * Commands: `coturn-start` → `{ port, secret, realm }` or `{ missing: reason }`; `coturn-stop {port}`.
 */
export function coturnPlugin() {
  const running = new Map();
  return {
    name: 'darkswap-coturn',
    async serverStop() {
      await Promise.all([...running.values()].map((c) => c.stop()));
      running.clear();
    },
    async executeCommand({ command, payload }) {
      // Whether a missing real server is a failure (CI) or a skip (here).
      if (command === 'ci-mode') return process.env.CI === 'true';
      if (command === 'coturn-start') {
        const missing = coturnMissing();
        if (missing) return { missing };
        const c = await startCoturn();
        running.set(c.port, c);
        return { port: c.port, secret: c.secret, realm: c.realm };
      }
      if (command === 'coturn-stop') {
        const c = running.get(payload?.port);
        running.delete(payload?.port);
        await c?.stop();
        return true;
      }
      return undefined;
    },
  };
}

/**
 * The signaling server of server/ (server/dist, built by `npm run build`) as real processes, and real
 * redis-servers for its cluster mode; started on demand by the tests, stopped by them (or when the runner stops,
 * or exits). Commands:
 * - `redis-start` → `{ url, port }` or `{ missing: reason }`; `redis-stop {port}`;
 * - `snode-start {env}` → `{ handle, nodeId, port, url, origin, key }` (a node on 127.0.0.1, ephemeral port; `env`
 *   sets its configuration, e.g. REDIS_URL, PEERJS_KEY, limits) or `{ missing: reason }`;
 * - `snode-stop {handle}` (SIGTERM: graceful), `snode-kill {handle}` (SIGKILL), `snode-logs {handle}` → lines;
 * - `cluster-stop`: every node and redis-server started so far.
 */
export function signalingClusterPlugin() {
  const redises = new Map();
  const nodes = new Map();
  let next = 1;
  const stopAll = async () => {
    await Promise.all([...nodes.values()].map((n) => n.kill()));
    nodes.clear();
    await Promise.all([...redises.values()].map((r) => r.stop()));
    redises.clear();
  };
  // Whatever ends the runner, no node or redis-server outlives it.
  process.once('exit', () => {
    for (const n of nodes.values()) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const r of redises.values()) {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return {
    name: 'darkswap-signaling-cluster',
    async serverStop() {
      await stopAll();
    },
    async executeCommand({ command, payload }) {
      if (command === 'redis-start') {
        const missing = redisMissing();
        if (missing) return { missing };
        const r = await startRedis();
        redises.set(r.port, r);
        return { url: r.url, port: r.port };
      }
      if (command === 'redis-stop') {
        const r = redises.get(payload?.port);
        redises.delete(payload?.port);
        await r?.stop();
        return true;
      }
      if (command === 'snode-start') {
        const missing = nodeMissing();
        if (missing) return { missing };
        const n = await startNode(payload?.env ?? {});
        const handle = next++;
        nodes.set(handle, n);
        return { handle, nodeId: n.nodeId, port: n.port, url: n.url, origin: n.origin, key: n.key };
      }
      if (command === 'snode-stop' || command === 'snode-kill') {
        const n = nodes.get(payload?.handle);
        nodes.delete(payload?.handle);
        if (n) await (command === 'snode-kill' ? n.kill() : n.stop());
        return true;
      }
      if (command === 'snode-logs') return nodes.get(payload?.handle)?.logs ?? [];
      if (command === 'cluster-stop') {
        await stopAll();
        return true;
      }
      return undefined;
    },
  };
}

/**
 * Opens extra pages (tabs) in the browser behind the test session and evaluates code in them.
 * Commands: `tab-open {path}` → id; `tab-eval {id, fn, args}` → result of fn(...args) in the tab
 * (fn is a function's source) as `{value}`; `tab-reload {id}` (same URL, same storage); `tab-close {id}`;
 * `tab-freeze {id, frozen}` (the page's JavaScript stops, as in a suspended background tab).
 */
export function tabsPlugin() {
  const tabs = new Map();
  let next = 1;
  return {
    name: 'darkswap-tabs',
    async executeCommand({ command, payload, session }) {
      if (!command.startsWith('tab-')) return undefined;
      if (command === 'tab-open') {
        const testPage = session.browser.getPage(session.id);
        const origin = new URL(testPage.url()).origin;
        // Its own window, so it stays visible (rendering, rAF, observers run) while the test page is in front.
        const browser = testPage.browser();
        const cdp = await browser.target().createCDPSession();
        const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank', newWindow: true });
        await cdp.detach();
        const target = await browser.waitForTarget((t) => t._targetId === targetId || t._getTargetInfo?.().targetId === targetId);
        const page = await target.page();
        const logs = [];
        page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
        page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
        // A page busy with a transfer or a trade asks before it unloads (beforeunload): the test, like a user
        // who means it, leaves; the question is logged so a test can see it was asked.
        page.on('dialog', (dialog) => {
          logs.push(`dialog: ${dialog.type()}`);
          void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()).catch(() => undefined);
        });
        await page.goto(new URL(payload.path, origin).href);
        await testPage.bringToFront();
        const id = next++;
        tabs.set(id, { page, logs, owner: session.id });
        return id;
      }
      const tab = tabs.get(payload?.id);
      if (!tab && command === 'tab-close') return true; // already closed
      if (!tab) throw new Error(`No tab ${payload?.id}`);
      if (command === 'tab-eval') {
        // A null/undefined result would mean "command not handled" to the runner: wrap it.
        const value = await tab.page.evaluate(`(${payload.fn})(...${JSON.stringify(payload.args ?? [])})`);
        return { value: value ?? null };
      }
      if (command === 'tab-logs') return tab.logs;
      if (command === 'tab-freeze') {
        // Freezes the page's JavaScript (timers, callbacks) as a browser does to a background tab it suspends;
        // its network stack keeps running. `frozen: false` thaws it.
        tab.cdp ??= await tab.page.createCDPSession();
        await tab.cdp.send('Page.setWebLifecycleState', { state: payload.frozen ? 'frozen' : 'active' });
        return true;
      }
      if (command === 'tab-reload') {
        await tab.page.reload();
        const testPage = session.browser.getPage(session.id);
        await testPage.bringToFront();
        return true;
      }
      if (command === 'tab-close') {
        tabs.delete(payload.id);
        await tab.page.close({ runBeforeUnload: false });
        return true;
      }
      return undefined;
    },
  };
}

/** `sdp` (pulled in by peerjs → webrtc-adapter) is CommonJS behind a "module" field: wrap it as ESM. */
export function sdpEsmPlugin() {
  return {
    name: 'sdp-esm',
    transform(context) {
      if (/\/node_modules\/sdp\/sdp\.js$/.test(context.path)) {
        return { body: `const module = { exports: {} };\n${context.body}\nexport default module.exports;\n` };
      }
      // PeerJS served to tests and benches without its public defaults, as in the build.
      if (isPeerjsModule(context.path)) return { body: stripPeerjsPublicDefaults(context.body) };
      return undefined;
    },
  };
}

/**
 * `page-grant-clipboard`: lets the test page read and write the clipboard (Chromium asks otherwise), so a test can
 * check what a copy button wrote with navigator.clipboard.readText().
 */
export function pagePlugin() {
  return {
    name: 'darkswap-page',
    async executeCommand({ command, session }) {
      if (command !== 'page-grant-clipboard') return undefined;
      const page = session.browser.getPage(session.id);
      await page.browserContext().overridePermissions(new URL(page.url()).origin, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
      await page.bringToFront();
      return true;
    },
  };
}
