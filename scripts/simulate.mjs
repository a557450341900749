#!/usr/bin/env node
// `npm run simulate [-- options]`: the kit between two real Chromium pages over an impaired network path — a real
// coturn behind a userspace UDP impairment proxy (loss, delay, jitter, rate cap per direction), both pages relay-
// only through it — for a matrix of paths. Everything on 127.0.0.1. Progress and the table go to stderr, the
// results as one JSON document to stdout.
//
//   --loss 0,1,5,10   path loss in % (one way)          --rtt 50,200   round-trip time in ms
//   --mbps 1,10       rate cap per direction (0 = none)  --jitter 0     jitter in ms
//   --only file,latency,recovery,trade   what to measure (default all; the trade is a rune sale on an in-memory
//                     ledger shared by both pages, each side accepting and confirming by itself)
//   --file-bytes N    file size (default: ~3 s of the cap, 128 KiB–8 MiB)   --file-timeout S (default 30)
//   --latency-count N (default 100, one every 20 ms)    --blackout-ms N (default 2000)   --recovery-wait S (default 20)
//   --trade-timeout S (default 60)
//   --budget S        stop starting new cells after S seconds (default 1500)
//   --source          pages use src/ through esbuild instead of the built cdn/darkswap.js
//   --serve           only start the impaired TURN path (first value of each list) and print its RTCIceServer
//                     JSON, for your own pages; Ctrl-C stops it
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coturnMissing } from './coturn.mjs';
import { startImpairedTurn } from './sim/impaired-turn.mjs';
import { formatTable, openSimPage, runCell } from './sim/run.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
console.log = console.error;
console.info = console.error;
const log = (...args) => console.error('[simulate]', ...args);

const USAGE =
  'Usage: npm run simulate -- [--loss 0,1,5,10] [--rtt 50,200] [--mbps 1,10] [--jitter 0] [--only file,latency,recovery,trade] [--file-bytes N] [--file-timeout S] [--latency-count N] [--blackout-ms N] [--recovery-wait S] [--trade-timeout S] [--budget S] [--source] [--serve]';

function parseArgs(argv) {
  const o = {
    loss: [0, 1, 5, 10],
    rtt: [50, 200],
    mbps: [1, 10],
    jitter: [0],
    only: ['file', 'latency', 'recovery', 'trade'],
    tradeTimeout: 60,
    fileBytes: undefined,
    fileTimeout: 30,
    latencyCount: 100,
    blackoutMs: 2000,
    recoveryWait: 20,
    budget: 1500,
    source: false,
    serve: false,
  };
  const list = (flag, value, min, max) => {
    const xs = String(value ?? '')
      .split(',')
      .map(Number);
    if (!xs.length || xs.some((x) => !Number.isFinite(x) || x < min || x > max))
      throw new Error(`${flag} takes numbers ${min}…${max}, comma-separated (got "${value}")`);
    return xs;
  };
  const one = (flag, value, min, max) => list(flag, value, min, max)[0];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--loss') o.loss = list(a, next(), 0, 100);
    else if (a === '--rtt') o.rtt = list(a, next(), 0, 5000);
    else if (a === '--mbps') o.mbps = list(a, next(), 0, 10_000);
    else if (a === '--jitter') o.jitter = list(a, next(), 0, 1000);
    else if (a === '--only') {
      o.only = String(next() ?? '').split(',');
      const bad = o.only.filter((x) => !['file', 'latency', 'recovery', 'trade'].includes(x));
      if (bad.length) throw new Error(`--only takes file, latency, recovery, trade (got ${bad.join(', ')})`);
    } else if (a === '--file-bytes') o.fileBytes = one(a, next(), 1024, 256 * 1024 * 1024);
    else if (a === '--file-timeout') o.fileTimeout = one(a, next(), 1, 600);
    else if (a === '--latency-count') o.latencyCount = one(a, next(), 1, 10_000);
    else if (a === '--blackout-ms') o.blackoutMs = one(a, next(), 1, 60_000);
    else if (a === '--recovery-wait') o.recoveryWait = one(a, next(), 1, 300);
    else if (a === '--trade-timeout') o.tradeTimeout = one(a, next(), 1, 600);
    else if (a === '--budget') o.budget = one(a, next(), 10, 7200);
    else if (a === '--source') o.source = true;
    else if (a === '--serve') o.serve = true;
    else if (a === '--help' || a === '-h') {
      console.error(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown option "${a}". ${USAGE}`);
  }
  return o;
}

async function serve(o) {
  const figures = { lossPct: o.loss[0], rttMs: o.rtt[0], mbps: o.mbps[0], jitterMs: o.jitter[0] };
  const turn = await startImpairedTurn(figures);
  log(`impaired path ${JSON.stringify(figures)}: coturn 127.0.0.1:${turn.coturnPort} behind the proxy ${turn.url}`);
  log("give your pages this TURN server with iceTransportPolicy 'relay' (the kit: icePreset 'relay'); credentials last 24 h. Ctrl-C stops.");
  process.stdout.write(`${JSON.stringify(turn.iceServer(86_400))}\n`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await turn.stop();
  return 0;
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    return 1;
  }
  const missing = coturnMissing();
  if (missing) {
    log(missing);
    return 1;
  }
  if (o.serve) return serve(o);
  if (!o.source && !existsSync(path.join(ROOT, 'cdn', 'darkswap.js'))) {
    log('cdn/darkswap.js not found: run `npm run build` (or pass --source)');
    return 1;
  }
  const cells = [];
  for (const mbps of o.mbps)
    for (const rttMs of o.rtt) for (const lossPct of o.loss) for (const jitterMs of o.jitter) cells.push({ lossPct, rttMs, mbps, jitterMs });
  const opts = {
    file: o.only.includes('file'),
    latency: o.only.includes('latency'),
    recovery: o.only.includes('recovery'),
    fileBytes: o.fileBytes,
    fileSeconds: 3,
    fileTimeoutMs: o.fileTimeout * 1000,
    latencyCount: o.latencyCount,
    latencyIntervalMs: 20,
    blackoutMs: o.blackoutMs,
    recoveryWaitMs: o.recoveryWait * 1000,
    trade: o.only.includes('trade'),
    tradeTimeoutMs: o.tradeTimeout * 1000,
  };
  const started = Date.now();
  const env = await startEnvironment(o.source);
  const results = [];
  try {
    const pages = [
      await openSimPage(env.browser, env.origin, { source: o.source, log }),
      await openSimPage(env.browser, env.origin, { source: o.source, log }),
    ];
    for (const cell of cells) {
      if (Date.now() - started > o.budget * 1000) {
        results.push({ ...cell, skipped: `budget of ${o.budget} s used`, errors: [] });
        continue;
      }
      log(`cell loss ${cell.lossPct} %, RTT ${cell.rttMs} ms, cap ${cell.mbps || 'none'} Mbit/s, jitter ${cell.jitterMs} ms…`);
      const r = await runCell({ pages, sig: env.sig, turn: env.turn, cell, o: opts });
      for (const e of r.errors) log(`  error: ${e}`);
      for (const n of r.notes) log(`  ${n}`);
      results.push(r);
    }
  } finally {
    await env.stop();
  }
  console.error(`\n${formatTable(results)}\n`);
  const doc = {
    tool: 'darkswap-simulate',
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    options: opts,
    results,
  };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  return results.some((r) => r.errors?.length || r.skipped) ? 2 : 0;
}

/** Signaling, the dev server (serving bench/sim.html), the impaired TURN path and a headless Chromium. */
async function startEnvironment(source) {
  const [{ startSignaling }, { startDevServer }, { default: puppeteer }, { CHROME_ARGS, findChrome }, { sdpEsmPlugin }] = await Promise.all([
    import('./signaling.mjs'),
    import('@web/dev-server'),
    import('puppeteer-core'),
    import('./find-chrome.mjs'),
    import('./wtr-plugins.mjs'),
  ]);
  const stops = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e) => log(`stopping: ${e?.message ?? e}`));
  };
  try {
    const signaling = await startSignaling({ host: HOST, port: 0 });
    stops.push(() => signaling.stop());
    const turn = await startImpairedTurn({});
    stops.push(() => turn.stop());
    const { esbuildPlugin } = await import('@web/dev-server-esbuild');
    const server = await startDevServer({
      config: {
        rootDir: ROOT,
        hostname: HOST,
        port: 0,
        nodeResolve: { exportConditions: ['browser', source ? 'development' : 'production'] },
        plugins: [sdpEsmPlugin(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: path.join(ROOT, 'tsconfig.json') })],
        watch: false,
      },
      readCliArgs: false,
      readFileConfig: false,
      autoExitProcess: false,
      logStartMessage: false,
    });
    stops.push(() => server.stop());
    const browser = await puppeteer.launch({ executablePath: await findChrome(), headless: true, args: CHROME_ARGS, protocolTimeout: 300_000 });
    stops.push(async () => {
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
      browser.process()?.kill('SIGKILL');
    });
    const origin = `http://${HOST}:${server.server.address().port}`;
    log(`signaling ${signaling.url}; pages ${origin}/bench/sim.html; impaired TURN ${turn.url} → coturn :${turn.coturnPort}`);
    return { sig: { host: signaling.host, port: signaling.port, path: signaling.path, key: signaling.key }, turn, browser, origin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
