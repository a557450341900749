#!/usr/bin/env node
// `npm run bench [-- <filter>…]`: benchmarks in a real Chromium against a real PeerServer on 127.0.0.1.
// stdout: one JSON object per line, {"bench": NAME, "value": NUMBER, "unit": UNIT}; everything else → stderr.
//
//   node scripts/bench.mjs [filter…] [--source] [--list]
//     filter    run only benches whose name contains it (any of several)
//     --source  benchmark src/*.ts (through esbuild) instead of the built cdn/darkswap.js
//     --list    print the bench names and exit
//   env BENCH_TRIALS (default 30), BENCH_ROUNDTRIPS (default 200), BENCH_SIGNALING_CLIENTS (default 2000),
//       BENCH_SIGNALING_HOLD_S (default 10; 60 for the clients-per-node claim)
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@web/dev-server';
import puppeteer from 'puppeteer-core';
import { CHROME_ARGS, findChrome } from './find-chrome.mjs';
import { startSignaling } from './signaling.mjs';
import { coturnMissing, startCoturn } from './coturn.mjs';
import { sdpEsmPlugin } from './wtr-plugins.mjs';
import { simBench } from './sim/bench.mjs';
import { startChainServer } from './chain-server.mjs';
import { runLoadtest } from './loadtest.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const TOTAL_BUDGET_MS = 900_000;

// Everything but results goes to stderr (the dev server and libraries log with console.log).
const out = (line) => process.stdout.write(`${line}\n`);
console.log = console.error;
console.info = console.error;
const log = (...args) => console.error('[bench]', ...args);

const BENCHES = [
  { name: 'connect_open_ms_p50_kit', group: 'connect' },
  { name: 'connect_open_ms_p95_kit', group: 'connect' },
  { name: 'connect_open_ms_p50_peerjs', group: 'connect' },
  { name: 'connect_open_ms_p95_peerjs', group: 'connect' },
  { name: 'roundtrip_ms_p50_kit', group: 'roundtrip' },
  { name: 'small_msg_latency_ms_p95', group: 'latency' },
  { name: 'small_msg_latency_under_bulk_ms_p95', group: 'latency' },
  { name: 'bulk_64mib_mbps', group: 'latency' },
  { name: 'link_recovery_ms_p50', group: 'recovery' },
  { name: 'trade_swap_build_verify_ms', group: 'trade' },
  { name: 'indexer_outpoint_lookup_ms_p50', group: 'indexer' },
  { name: 'file_64mib_kit_mbps', group: 'file' },
  { name: 'file_64mib_raw_mbps', group: 'file' },
  { name: 'file_64mib_peerjs_mbps', group: 'file' },
  { name: 'file_kit_over_raw_ratio', group: 'file' },
  { name: 'file_1gib_heap_growth_mb', group: 'file' },
  { name: 'orderbook_ops_per_s', group: 'orderbook' },
  { name: 'order_verify_per_s', group: 'orderbook' },
  { name: 'orderbook_10k_first_render_ms', group: 'orderbook' },
  { name: 'orderbook_update_script_ms', group: 'orderbook' },
  { name: 'orderbook_burst500_longest_task_ms', group: 'orderbook' },
  { name: 'orderbook_sync_1000_ms', group: 'orderbook' },
  { name: 'link_recovery_ms_p95', group: 'recovery' },
  { name: 'stats_sampler_ms_per_link_s', group: 'stats' },
  { name: 'relay_connect_open_ms_p50', group: 'turn' },
  { name: 'direct_connect_open_ms_p50', group: 'turn' },
  { name: 'turn_failover_ms', group: 'turn' },
  { name: 'bandwidth_cap_ratio', group: 'bandwidth' },
  { name: 'settings_apply_ms', group: 'settings' },
  { name: 'call_first_remote_frame_ms_cold', group: 'call' },
  { name: 'call_first_remote_frame_ms_p50', group: 'call' },
  { name: 'call_first_remote_frame_ms_p95', group: 'call' },
  { name: 'call_first_remote_frame_ms_p50_repeat', group: 'call' },
  { name: 'call_hangup_seen_ms_p95', group: 'call' },
  { name: 'discovery_room_ready_ms', group: 'discovery' },
  { name: 'chat_converge_ms', group: 'chat' },
  { name: 'chat_render_10k_ms', group: 'chat' },
  { name: 'connect_idle_ms', group: 'abuse' },
  { name: 'connect_after_churn_ms', group: 'abuse' },
  { name: 'connect_under_flood_ms', group: 'abuse' },
  { name: 'sim_file_mbps_loss0_rtt100', group: 'sim' },
  { name: 'sim_file_mbps_loss5_rtt100', group: 'sim' },
  { name: 'sim_file_loss5_over_loss0_ratio', group: 'sim' },
  { name: 'signaling_relay_ms_p95_same_node', group: 'signaling' },
  { name: 'signaling_relay_ms_p95_cross_node', group: 'signaling' },
  { name: 'signaling_clients_per_node', group: 'signaling' },
  { name: 'bundle_runtime_gzip_bytes', group: 'bundle' },
  { name: 'bundle_demo_gzip_bytes', group: 'bundle' },
  { name: 'bundle_orderbook_gzip_bytes', group: 'bundle' },
  { name: 'bundle_file_share_gzip_bytes', group: 'bundle' },
  { name: 'bundle_trade_gzip_bytes', group: 'bundle' },
  { name: 'bundle_trade_lazy_gzip_bytes', group: 'bundle' },
  { name: 'bundle_all_in_one_gzip_bytes', group: 'bundle' },
  { name: 'bundle_autoloader_gzip_bytes', group: 'bundle' },
  { name: 'bundle_wallet_adapters_gzip_bytes', group: 'bundle' },
];

function parseArgs(argv) {
  const opts = { filters: [], source: false, list: false };
  for (const arg of argv) {
    if (arg === '--source') opts.source = true;
    else if (arg === '--list') opts.list = true;
    else if (arg === '--help' || arg === '-h') {
      console.error('Usage: npm run bench -- [filter…] [--source] [--list]');
      process.exit(0);
    } else if (arg.startsWith('-')) {
      console.error(`Unknown option "${arg}". Usage: npm run bench -- [filter…] [--source] [--list]`);
      process.exit(1);
    } else opts.filters.push(arg);
  }
  return opts;
}

function intEnv(name, fallback, max) {
  const n = Number(process.env[name] ?? fallback);
  return Number.isInteger(n) && n > 0 ? Math.min(n, max) : fallback;
}

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    for (const b of BENCHES) console.error(b.name);
    return 0;
  }
  const selected = BENCHES.filter((b) => !opts.filters.length || opts.filters.some((f) => b.name.includes(f)));
  if (!selected.length) {
    console.error(`No bench matches ${opts.filters.map((f) => `"${f}"`).join(', ')}. Benches: ${BENCHES.map((b) => b.name).join(', ')}`);
    return 1;
  }
  const wants = (name) => selected.some((b) => b.name === name);
  const groups = new Set(selected.map((b) => b.group));
  const emit = (bench, value, unit, extra = {}) => {
    if (wants(bench)) out(JSON.stringify({ bench, ...extra, value, unit }));
  };
  let failed = false;

  if (groups.has('bundle')) {
    const file = path.join(ROOT, 'cdn', 'sizes.json');
    try {
      const sizes = JSON.parse(await readFile(file, 'utf8'));
      for (const [bench, key] of [
        ['bundle_runtime_gzip_bytes', 'runtime_gzip_bytes'],
        ['bundle_demo_gzip_bytes', 'demo_gzip_bytes'],
        ['bundle_orderbook_gzip_bytes', 'orderbook_gzip_bytes'],
        ['bundle_file_share_gzip_bytes', 'file_share_gzip_bytes'],
        ['bundle_trade_gzip_bytes', 'trade_gzip_bytes'],
        ['bundle_trade_lazy_gzip_bytes', 'trade_lazy_gzip_bytes'],
        ['bundle_all_in_one_gzip_bytes', 'all_in_one_gzip_bytes'],
        ['bundle_autoloader_gzip_bytes', 'autoloader_gzip_bytes'],
      ]) {
        if (!wants(bench)) continue;
        if (typeof sizes[key] !== 'number') throw new Error(`${key} is missing from cdn/sizes.json`);
        emit(bench, sizes[key], 'bytes');
      }
      // One line per wallet adapter: what picking that wallet downloads (its chunk and the shared Bitcoin code it
      // needs, beyond the runtime and <darkswap-wallet>), and its own chunk alone.
      if (wants('bundle_wallet_adapters_gzip_bytes')) {
        const adapters = Object.entries(sizes.wallet_adapters ?? {});
        if (!adapters.length) throw new Error('wallet_adapters is missing from cdn/sizes.json');
        for (const [adapter, a] of adapters) {
          emit('bundle_wallet_adapters_gzip_bytes', a.total_gzip_bytes, 'bytes', { adapter, own_chunk_gzip_bytes: a.gzip_bytes });
        }
      }
    } catch (error) {
      log(`bundle sizes: ${error.code === 'ENOENT' ? 'cdn/sizes.json not found: run `npm run build`' : error.message}`);
      failed = true;
    }
  }

  if (groups.has('signaling')) {
    // The signaling server (server/): a redis-server, two nodes, BENCH_SIGNALING_CLIENTS clients (scripts/loadtest.mjs).
    const clients = intEnv('BENCH_SIGNALING_CLIENTS', 2_000, 20_000);
    const hold = intEnv('BENCH_SIGNALING_HOLD_S', 10, 600);
    try {
      log(`signaling: ${clients} clients over 2 nodes + Redis, exchanges for 5 s, held ${hold} s…`);
      const r = await runLoadtest({ clients, duration: 5, exchanges: 5_000, hold, concurrency: 10 }, (line) => log(`signaling: ${line}`));
      log(
        `signaling: ${JSON.stringify({ held: r.held, per_node: r.clients_per_node, relay_ms: r.relay_ms, memory: r.memory_per_connection, errors: r.errors })}`,
      );
      if (r.relay_ms.same_node.p95 !== null) emit('signaling_relay_ms_p95_same_node', r.relay_ms.same_node.p95, 'ms');
      if (r.relay_ms.cross_node.p95 !== null) emit('signaling_relay_ms_p95_cross_node', r.relay_ms.cross_node.p95, 'ms');
      // Clients per node held for the whole run (registration, exchanges, hold) with under 0.1 % errors.
      if (r.error_rate < 0.001) emit('signaling_clients_per_node', Math.min(...r.clients_per_node), 'clients');
      else {
        log(`signaling: error rate ${r.error_rate} ≥ 0.1 %: signaling_clients_per_node not reported`);
        failed = true;
      }
    } catch (error) {
      log(`signaling: ${error.message}`);
      failed = true;
    }
  }

  if (
    [
      'connect',
      'roundtrip',
      'latency',
      'recovery',
      'file',
      'orderbook',
      'trade',
      'indexer',
      'abuse',
      'stats',
      'turn',
      'settings',
      'bandwidth',
      'call',
      'discovery',
      'chat',
      'sim',
    ].some((g) => groups.has(g))
  ) {
    if (!opts.source && !existsSync(path.join(ROOT, 'cdn', 'darkswap.js'))) {
      log('cdn/darkswap.js not found: run `npm run build` (or pass --source)');
      return 1;
    }
    const ok = await browserBenches({ groups, emit, wants, source: opts.source });
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

/**
 * Floods and churn: a victim (this page), an attacker page and an honest page. The honest page times fresh
 * connects to the victim (median of 5): idle, right after 1,000 connect/disconnect cycles by one attacking
 * peer, and while 400 hostile authenticated links are open (the victim allows that many links for this run).
 */
async function abuseBench({ browser, page, origin, source, sig, emit }) {
  // Chromium allows about 255 WebSockets per profile: the 400 hostiles (one signaling socket each) are split
  // across two attacker pages in separate browser contexts.
  const open = async (context = browser) => {
    const p = await context.newPage();
    p.on('pageerror', (e) => log(`abuse page error: ${e.message}`));
    await p.goto(`${origin}/bench/index.html${source ? '?impl=source' : ''}`, { timeout: 30_000 });
    await p.waitForFunction(() => window.darkswapBench?.ready === true, { timeout: 30_000 });
    return p;
  };
  const contexts = [await browser.createBrowserContext(), await browser.createBrowserContext()];
  const [attacker, attacker2, honest] = [await open(contexts[0]), await open(contexts[1]), await open()];
  const median = (r) => {
    const ok = r.times.filter((t) => t !== null);
    for (const e of r.errors) log(`abuse: honest connect failed: ${e}`);
    return ok.length ? round(percentile(ok, 50)) : null;
  };
  const honestConnects = (target) =>
    withTimeout(
      honest.evaluate((s, t) => window.darkswapBench.abuse.honestConnects(s, t, 5), sig, target),
      120_000,
      'honest connects',
    );
  try {
    log('abuse: churn — 1,000 connect/disconnect cycles by one peer, then honest connects…');
    let victim = await page.evaluate((s) => window.darkswapBench.abuse.victimOpen(s), sig);
    const idle1 = median(await honestConnects(victim));
    const c = await withTimeout(
      attacker.evaluate((s, t) => window.darkswapBench.abuse.churn(s, t), sig, victim),
      300_000,
      'churn',
    );
    const afterChurn = median(await honestConnects(victim));
    const churnStats = await page.evaluate(() => window.darkswapBench.abuse.victimStats());
    log(
      `abuse: churn ${c.cycles} cycles in ${round(c.ms / 1000, 1)} s, ${c.opened} opened; victim refused ${JSON.stringify(churnStats.refused)}; ` +
        `honest connect idle ${idle1} ms, after churn ${afterChurn} ms`,
    );
    await page.evaluate(() => window.darkswapBench.abuse.victimClose());

    log('abuse: flood — 400 hostile authenticated links (victim maxLinks 450), then honest connects…');
    victim = await page.evaluate(
      (s) => window.darkswapBench.abuse.victimOpen(s, { maxLinks: 450, maxPendingHandshakes: 50, offerRates: { perMinute: 100_000 } }),
      sig,
    );
    const idle2 = median(await honestConnects(victim));
    const floods = await withTimeout(
      Promise.all([attacker, attacker2].map((p) => p.evaluate((s, t) => window.darkswapBench.abuse.flood(s, t, { count: 200 }), sig, victim))),
      400_000,
      'flood',
    );
    const f = { open: floods[0].open + floods[1].open };
    for (const e of [...floods[0].errors, ...floods[1].errors]) log(`abuse: hostile connect failed: ${e}`);
    const underFlood = median(await honestConnects(victim));
    const floodStats = await page.evaluate(() => window.darkswapBench.abuse.victimStats());
    log(`abuse: ${f.open} hostile links open (victim sees ${floodStats.links}); idle ${idle2} ms, under flood ${underFlood} ms`);
    await Promise.all([attacker, attacker2].map((p) => p.evaluate(() => window.darkswapBench.abuse.floodStop())));
    await page.evaluate(() => window.darkswapBench.abuse.victimClose());
    const idle = [idle1, idle2].filter((x) => x !== null);
    if (idle.length) emit('connect_idle_ms', round(idle.reduce((a, b) => a + b, 0) / idle.length), 'ms');
    if (afterChurn !== null) emit('connect_after_churn_ms', afterChurn, 'ms');
    if (underFlood !== null) emit('connect_under_flood_ms', underFlood, 'ms');
    return afterChurn !== null && underFlood !== null;
  } finally {
    await honest.close().catch(() => {});
    for (const context of contexts) await context.close().catch(() => {});
  }
}

/** TURN REST credentials (coturn `use-auth-secret`): username `<expiry>:<name>`, credential base64(HMAC-SHA1). */
function turnServer(coturn) {
  const username = `${Math.floor(Date.now() / 1000) + 3600}:bench`;
  const credential = createHmac('sha1', coturn.secret).update(username).digest('base64');
  return { urls: `turn:127.0.0.1:${coturn.port}?transport=udp`, username, credential };
}

/**
 * Relay connect (through one real coturn, interleaved with direct connects) and TURN failover (two coturns, the
 * one in use killed mid-stream, 3 rounds with fresh coturns). Skipped with a line when coturn is not installed.
 */
async function turnBench({ page, sig, emit }) {
  const missing = coturnMissing();
  if (missing) {
    log(`turn: skipped — ${missing}`);
    return true;
  }
  const started = [];
  const start = async () => {
    const c = await startCoturn();
    started.push(c);
    return c;
  };
  try {
    const one = await start();
    log('turn: 15 relay connects through coturn, interleaved with 15 direct ones…');
    const r = await withTimeout(
      page.evaluate((s, server) => window.darkswapBench.turn.relayConnect(s, server), sig, turnServer(one)),
      120_000,
      'relay connect bench',
    );
    for (const e of r.errors) log(`turn: connect failed: ${e}`);
    const relay50 = percentile(r.relay, 50);
    const direct50 = percentile(r.direct, 50);
    log(`turn: relay p50 ${round(relay50)} ms, direct p50 ${round(direct50)} ms (ratio ${round(relay50 / direct50, 2)})`);
    if (r.relay.length) emit('relay_connect_open_ms_p50', round(relay50), 'ms');
    if (r.direct.length) emit('direct_connect_open_ms_p50', round(direct50), 'ms');
    await one.stop();

    const times = [];
    for (let i = 0; i < 3; i++) {
      const pair = [await start(), await start()];
      const relayUrl = await withTimeout(
        page.evaluate((s, servers) => window.darkswapBench.turn.failoverSetup(s, servers), sig, pair.map(turnServer)),
        30_000,
        'failover setup',
      );
      const victim = pair.find((c) => relayUrl?.includes(`:${c.port}`));
      if (!victim) throw new Error(`failover: the link does not relay through either coturn (${relayUrl})`);
      await page.evaluate(() => window.darkswapBench.turn.failoverArm());
      await victim.stop();
      const w = await withTimeout(
        page.evaluate(() => window.darkswapBench.turn.failoverWait()),
        30_000,
        'failover wait',
      );
      log(`turn: failover round ${i + 1}: ${w.ms === null ? 'no recovery within 15 s' : `${round(w.ms, 0)} ms`} (${w.servers.join('; ')})`);
      if (w.ms !== null) times.push(w.ms);
      await page.evaluate(() => window.darkswapBench.turn.failoverClose());
      for (const c of pair) await c.stop();
    }
    if (times.length) {
      const median = percentile(times, 50);
      log(`turn: failover median ${round(median, 0)} ms (goal ≤ 3,000)`);
      emit('turn_failover_ms', round(median, 0), 'ms');
    }
    return times.length === 3 && r.relay.length > 0;
  } catch (error) {
    log(`turn: failed: ${error?.message ?? error}`);
    return false;
  } finally {
    for (const c of started) await c.stop().catch(() => {});
  }
}

async function browserBenches({ groups, emit, wants, source }) {
  const trials = intEnv('BENCH_TRIALS', 30, 200);
  const roundtrips = intEnv('BENCH_ROUNDTRIPS', 200, 5000);
  let signaling;
  let server;
  let browser;
  let ok = true;
  try {
    signaling = await startSignaling({ host: HOST, port: 0 });
    log(`signaling ${signaling.url}`);
    // TypeScript is compiled on the fly for --source and for benches written in TypeScript (bench/*.ts).
    const { esbuildPlugin } = await import('@web/dev-server-esbuild');
    const plugins = [sdpEsmPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(ROOT, 'tsconfig.json') })];
    server = await startDevServer({
      config: {
        rootDir: ROOT,
        hostname: HOST,
        port: 0,
        nodeResolve: { exportConditions: ['browser', source ? 'development' : 'production'] },
        plugins,
        watch: false,
      },
      readCliArgs: false,
      readFileConfig: false,
      autoExitProcess: false,
      logStartMessage: false,
    });
    const origin = `http://${HOST}:${server.server.address().port}`;
    log(`dev server ${origin} (kit from ${source ? 'src/ via esbuild' : 'cdn/darkswap.js'})`);

    const executablePath = await findChrome();
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      // precise performance.memory for the file bench's heap-growth figure
      // gc() for the abuse bench's attacker page (its own closed peer connections count until collected)
      args: [...CHROME_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'],
      protocolTimeout: 400_000,
    });
    launched = browser;
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') log(`page ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    await page.goto(`${origin}/bench/index.html${source ? '?impl=source' : ''}`, { timeout: 30_000 });
    await page.waitForFunction(() => window.darkswapBench?.ready === true, { timeout: 30_000 });
    const sig = { host: signaling.host, port: signaling.port, path: signaling.path, key: signaling.key };

    if (groups.has('connect')) {
      log(`connect: ${trials} kit + ${trials} bare PeerJS connections, interleaved…`);
      const r = await withTimeout(
        page.evaluate((s, o) => window.darkswapBench.connect(s, o), sig, { trials, warmup: 2, deadlineMs: 75_000 }),
        90_000,
        'connect bench',
      );
      for (const e of r.errors) log(`connect trial failed: ${e}`);
      log(`connect: ${r.kit.length} kit, ${r.peerjs.length} peerjs samples`);
      if (r.kit.length < trials || r.peerjs.length < trials || r.aborted) {
        log('connect: incomplete run (see errors above)');
        ok = false;
      }
      const kit50 = percentile(r.kit, 50);
      const bare50 = percentile(r.peerjs, 50);
      if (r.kit.length) {
        emit('connect_open_ms_p50_kit', round(kit50), 'ms');
        emit('connect_open_ms_p95_kit', round(percentile(r.kit, 95)), 'ms');
      }
      if (r.peerjs.length) {
        emit('connect_open_ms_p50_peerjs', round(bare50), 'ms');
        emit('connect_open_ms_p95_peerjs', round(percentile(r.peerjs, 95)), 'ms');
      }
      if (r.kit.length && r.peerjs.length) {
        const ratio = kit50 / bare50;
        log(
          `connect: kit p50 ${round(kit50)} ms / peerjs p50 ${round(bare50)} ms = ratio ${round(ratio, 3)} (goal ≤ 1.25: ${ratio <= 1.25 ? 'met' : 'NOT met'}); ` +
            `kit p95 ${round(percentile(r.kit, 95))} ms, peerjs p95 ${round(percentile(r.peerjs, 95))} ms`,
        );
      }
    }

    if (groups.has('roundtrip')) {
      log(`roundtrip: ${roundtrips} ping/pong echoes on the kit's demo channel…`);
      const r = await withTimeout(
        page.evaluate((s, o) => window.darkswapBench.roundtrip(s, o), sig, { count: roundtrips, warmup: 20, deadlineMs: 30_000 }),
        45_000,
        'roundtrip bench',
      );
      log(`roundtrip: ${r.times.length} samples, p50 ${round(percentile(r.times, 50), 3)} ms, p95 ${round(percentile(r.times, 95), 3)} ms`);
      if (r.times.length < roundtrips) {
        log('roundtrip: incomplete run (time budget)');
        ok = false;
      }
      if (r.times.length) emit('roundtrip_ms_p50_kit', round(percentile(r.times, 50), 3), 'ms');
    }

    if (groups.has('latency')) {
      log('latency: 200 small messages idle, then 200 while 64 MiB streams on the bulk channel…');
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.latency(s), sig),
        90_000,
        'latency bench',
      );
      const idle95 = percentile(r.idle, 95);
      const loaded95 = percentile(r.loaded, 95);
      log(
        `latency: idle p50 ${round(percentile(r.idle, 50))} / p95 ${round(idle95)} ms; under bulk p50 ${round(percentile(r.loaded, 50))} / p95 ${round(loaded95)} ms ` +
          `(extra ${round(loaded95 - idle95)} ms, goal ≤ 50); bulk ${round(r.bulkMbps, 1)} Mbit/s; bulk still running at the end: ${r.stillStreaming}`,
      );
      emit('small_msg_latency_ms_p95', round(idle95), 'ms');
      emit('small_msg_latency_under_bulk_ms_p95', round(loaded95), 'ms');
      emit('bulk_64mib_mbps', round(r.bulkMbps, 1), 'Mbit/s');
    }

    if (groups.has('recovery')) {
      log('recovery: 12 forced drops (RTCPeerConnection.close on alternating sides) → first message through…');
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.recovery(s, { drops: 12 }), sig),
        120_000,
        'recovery bench',
      );
      log(`recovery: ${r.times.map((t) => round(t, 0)).join(', ')} ms`);
      emit('link_recovery_ms_p50', round(percentile(r.times, 50)), 'ms');
      emit('link_recovery_ms_p95', round(percentile(r.times, 95)), 'ms');
    }

    if (groups.has('orderbook')) {
      log('orderbook: insert+match, verify, 10k render, 10 Hz update, 500-order burst, 1,000-order sync…');
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.orderbook(s), sig),
        180_000,
        'orderbook bench',
      );
      for (const [bench, value] of Object.entries(r)) {
        if (typeof value === 'number') emit(bench, round(value, 1), bench.endsWith('_ms') ? 'ms' : 'per_s');
      }
    }

    if (groups.has('stats')) {
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.stats(s), sig),
        90_000,
        'stats bench',
      );
      log(`stats: ${round(r.stats_sampler_ms_per_link_s, 4)} ms of main-thread work per link per second (goal ≤ 0.5)`);
      emit('stats_sampler_ms_per_link_s', round(r.stats_sampler_ms_per_link_s, 4), 'ms');
    }

    if (groups.has('bandwidth')) {
      log('bandwidth: 64 MiB on a bulk channel with the budget capped at 20 Mbit/s…');
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.bandwidth.capRatio(s), sig),
        120_000,
        'bandwidth bench',
      );
      log(
        `bandwidth: ${round(r.mbps, 2)} Mbit/s measured over ${round(r.seconds, 1)} s at a ${round(r.capMbps, 1)} Mbit/s cap = ratio ${round(r.ratio, 3)} ` +
          `(goal 0.9–1.05: ${r.ratio >= 0.9 && r.ratio <= 1.05 ? 'met' : 'NOT met'}); ${r.bulkSent} bulk bytes counted as sent`,
      );
      emit('bandwidth_cap_ratio', round(r.ratio, 3), 'ratio');
    }

    if (groups.has('trade')) {
      const r = await withTimeout(
        page.evaluate(() => window.darkswapBench.trade()),
        60_000,
        'trade bench',
      );
      emit('trade_swap_build_verify_ms', round(r.trade_swap_build_verify_ms), 'ms');
    }

    if (groups.has('indexer')) {
      // The local regtest chain server (the in-memory ledger as Esplora + ord + alkanes) on 127.0.0.1.
      const chain = await startChainServer();
      try {
        const outpoints = Array.from(
          { length: 20 },
          (_, i) =>
            chain.fund('bcrt1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqvg32hk', 10_000 + i, {
              runes: [{ id: '840000:3', amount: String(1000 + i) }],
              alkanes: [{ id: '2:1', amount: '5' }],
            }).outpoint,
        );
        const r = await withTimeout(
          page.evaluate((base, list) => window.darkswapBench.indexer(base, list), chain.url, outpoints),
          60_000,
          'indexer bench',
        );
        emit('indexer_outpoint_lookup_ms_p50', round(r.indexer_outpoint_lookup_ms_p50, 2), 'ms');
      } finally {
        await chain.stop();
      }
    }

    if (groups.has('abuse') && !(await abuseBench({ browser, page, origin, source, sig, emit }))) ok = false;

    if (groups.has('turn') && !(await turnBench({ page, sig, emit }))) ok = false;

    if (groups.has('sim') && !(await simBench({ browser, origin, source, sig, emit, log }))) ok = false;

    if (groups.has('settings')) {
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.settings.apply(s), sig),
        60_000,
        'settings bench',
      );
      const p50 = percentile(r.times, 50);
      log(`settings: change → applied to the service and shown by 3 widgets: p50 ${round(p50)} ms, p95 ${round(percentile(r.times, 95))} ms`);
      emit('settings_apply_ms', round(p50), 'ms');
    }

    if (groups.has('call')) {
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.call.run(s), sig),
        180_000,
        'call bench',
      );
      const list = (xs) => xs.map((x) => Math.round(x)).join(', ');
      log(
        `call: accept → first decoded remote frame: cold ${Math.round(r.cold)} ms; fresh links ${list(r.first)} ms; on a link that had a call ${list(r.repeat)} ms; hang-up seen ${list(r.hangup)} ms`,
      );
      emit('call_first_remote_frame_ms_cold', round(r.cold), 'ms');
      emit('call_first_remote_frame_ms_p50', round(percentile(r.first, 50)), 'ms');
      emit('call_first_remote_frame_ms_p95', round(percentile(r.first, 95)), 'ms');
      emit('call_first_remote_frame_ms_p50_repeat', round(percentile(r.repeat, 50)), 'ms');
      emit('call_hangup_seen_ms_p95', round(percentile(r.hangup, 95)), 'ms');
    }

    if (groups.has('discovery')) {
      const r = await withTimeout(
        page.evaluate((s) => window.darkswapBench.discovery.roomReady(s), sig),
        240_000,
        'discovery bench',
      );
      log(
        `discovery: 6 peers join one room one after the other (cap 3) → everyone knows everyone and is linked: ${r.times.map((x) => Math.round(x)).join(', ')} ms`,
      );
      emit('discovery_room_ready_ms', round(percentile(r.times, 50)), 'ms');
    }

    if (groups.has('chat')) {
      if (wants('chat_converge_ms')) {
        log('chat: 4 services in a chain A–B–C–D, 1,000 signed messages (250 each) → identical history everywhere, 3 rounds…');
        const r = await withTimeout(
          page.evaluate((s) => window.darkswapBench.chat.converge(s), sig),
          180_000,
          'chat converge bench',
        );
        log(`chat: converged in ${r.times.map((x) => Math.round(x)).join(', ')} ms; ${r.rejects} rejects other than duplicates`);
        if (r.rejects) ok = false;
        emit('chat_converge_ms', round(r.median), 'ms');
      }
      if (wants('chat_render_10k_ms')) {
        log('chat: <darkswap-group-chat> on a group of 10,000 messages: attached → newest message shown, median of 5…');
        const r = await withTimeout(
          page.evaluate((s) => window.darkswapBench.chat.render(s), sig),
          180_000,
          'chat render bench',
        );
        log(`chat: first render ${r.times.map((x) => Math.round(x)).join(', ')} ms`);
        emit('chat_render_10k_ms', round(r.median), 'ms');
      }
    }

    if (groups.has('file')) {
      const heap = wants('file_1gib_heap_growth_mb');
      log(`file: 64 MiB kit vs raw RTCDataChannel vs PeerJS, 3 interleaved rounds${heap ? ', then 1 GiB for heap growth (~2.5 min)' : ''}…`);
      const r = await withTimeout(
        page.evaluate((s, h) => window.darkswapBench.file(s, h ? {} : { heapBytes: 0 }), sig, heap),
        380_000,
        'file bench',
      );
      const rounds = r.details.rounds;
      log(
        `file: per round ms — raw ${rounds.raw.map((x) => round(x, 0)).join(', ')}; kit ${rounds.kit.map((x) => round(x, 0)).join(', ')} (of which hashing before the offer ${rounds.kitOffer.map((x) => round(x, 0)).join(', ')}); peerjs ${rounds.peerjs.map((x) => round(x, 0)).join(', ')}`,
      );
      log(`file: kit/raw per round ${rounds.ratio.map((x) => round(x, 3)).join(', ')}; median ${round(r.file_kit_over_raw_ratio, 3)} (goal ≥ 0.90)`);
      emit('file_64mib_kit_mbps', round(r.file_64mib_kit_mbps, 1), 'Mbit/s');
      emit('file_64mib_raw_mbps', round(r.file_64mib_raw_mbps, 1), 'Mbit/s');
      emit('file_64mib_peerjs_mbps', round(r.file_64mib_peerjs_mbps, 1), 'Mbit/s');
      emit('file_kit_over_raw_ratio', round(r.file_kit_over_raw_ratio, 3), 'ratio');
      if (typeof r.file_1gib_heap_growth_mb === 'number') emit('file_1gib_heap_growth_mb', round(r.file_1gib_heap_growth_mb, 1), 'MB');
    }
  } catch (error) {
    log(`failed: ${error?.message ?? error}`);
    ok = false;
  } finally {
    await withTimeout(browser?.close() ?? Promise.resolve(), 10_000, 'closing the browser').catch((e) => {
      log(e.message);
      browser?.process()?.kill('SIGKILL');
    });
    await withTimeout(server?.stop() ?? Promise.resolve(), 10_000, 'stopping the dev server').catch((e) => log(e.message));
    await withTimeout(signaling?.stop() ?? Promise.resolve(), 10_000, 'stopping signaling').catch((e) => log(e.message));
  }
  return ok;
}

let launched;
const watchdog = setTimeout(() => {
  log(`gave up after ${TOTAL_BUDGET_MS / 1000} s`);
  launched?.process()?.kill('SIGKILL');
  process.exit(1);
}, TOTAL_BUDGET_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
