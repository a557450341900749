// One cell of the simulator matrix: two real pages (bench/sim.html, puppeteer pages), their kit services relayed
// through the impaired TURN path (scripts/sim/impaired-turn.mjs), measured for link setup, small-message latency
// and recovery after a blackout (on an otherwise idle link), a trade, then file throughput (the kit's file
// transfer, SHA-256 checked on both ends) last, so bulk data still in flight cannot skew the others.
// Shared by scripts/simulate.mjs and the `sim` group of scripts/bench.mjs.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const round = (n, digits = 1) => (typeof n === 'number' && Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : null);

/** Nearest-rank percentile. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)))]).finally(
    () => clearTimeout(timer),
  );
}

/** Opens a simulator page at `origin` and waits for it to be ready. */
export async function openSimPage(browser, origin, { source = false, log = () => {} } = {}) {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') log(`page error: ${m.text()}`);
  });
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(`${origin}/bench/sim.html${source ? '?impl=source' : ''}`, { timeout: 30_000 });
  await page.waitForFunction(() => window.darkswapSim?.ready === true, { timeout: 30_000 });
  return page;
}

/** Default file size for a rate cap: about `seconds` of the cap (128 KiB … 8 MiB; 8 MiB uncapped). */
export function fileBytesFor(mbps, seconds = 3) {
  if (!(mbps > 0)) return 8 * 1024 * 1024;
  return Math.round(Math.min(8 * 1024 * 1024, Math.max(128 * 1024, (mbps * 1e6 * seconds) / 8)));
}

/**
 * Runs one cell. `pages` = [A, B] (A sends), `turn` the impaired path, `cell` {lossPct, rttMs, mbps, jitterMs}.
 * `o`: { file: bool, latency: bool, recovery: bool, fileBytes?, fileSeconds, fileTimeoutMs, latencyCount,
 * latencyIntervalMs, blackoutMs, recoveryWaitMs, trade: bool, tradeTimeoutMs }. Never throws: `errors` are failures of
 * the run (an exception, a path that is not relayed, a file whose hash differs), `notes` are outcomes of the
 * network (a transfer or trade not done in time, no traffic after a blackout).
 */
export async function runCell({ pages, sig, turn, cell, o }) {
  const [A, B] = pages;
  const result = { lossPct: cell.lossPct, rttMs: cell.rttMs, mbps: cell.mbps, jitterMs: cell.jitterMs ?? 0, errors: [], notes: [] };
  turn.set(cell);
  const before = turn.stats();
  try {
    const server = turn.iceServer();
    const [idA, idB] = await Promise.all([
      A.evaluate((s, i) => window.darkswapSim.open(s, i), sig, server),
      B.evaluate((s, i) => window.darkswapSim.open(s, i), sig, server),
    ]);
    result.connectMs = round(await A.evaluate((p) => window.darkswapSim.connect(p), idB));
    await B.evaluate((p) => window.darkswapSim.waitPeer(p), idA);
    result.relayed = await A.evaluate((p) => window.darkswapSim.relayed(p), idB);
    if (!result.relayed) result.errors.push('the selected pair is not relay/relay: traffic may bypass the impaired path');

    if (o.latency) {
      try {
        await A.evaluate((p, n, i) => window.darkswapSim.latencySend(p, n, i), idB, o.latencyCount, o.latencyIntervalMs);
        const lat = await B.evaluate((n, ms) => window.darkswapSim.latencyResult(n, ms), o.latencyCount, 10_000 + 4 * (cell.rttMs ?? 0));
        result.latency = { n: lat.length, p50Ms: round(percentile(lat, 50)), p95Ms: round(percentile(lat, 95)) };
        if (lat.length < o.latencyCount) result.notes.push(`latency: ${lat.length} of ${o.latencyCount} messages arrived`);
      } catch (error) {
        result.errors.push(`latency: ${error?.message ?? error}`);
      }
    }

    if (o.recovery) {
      try {
        await A.evaluate((p) => window.darkswapSim.pumpStart(p, 20), idB);
        await sleep(1_000);
        await turn.blackout(o.blackoutMs);
        const end = Date.now();
        const until = end + o.recoveryWaitMs;
        let first;
        let seen;
        while (Date.now() < until) {
          seen = await B.evaluate(() => window.darkswapSim.arrivals());
          first = seen.arrivals.find(([, t]) => t > end);
          if (first) break;
          await sleep(50);
        }
        await A.evaluate(() => window.darkswapSim.pumpStop());
        result.recovery = { blackoutMs: o.blackoutMs, ms: first ? first[1] - end : null, linkDropped: (seen?.disconnects ?? 0) > 0 };
        if (!first) result.notes.push(`recovery: nothing arrived within ${o.recoveryWaitMs} ms after a ${o.blackoutMs} ms blackout`);
      } catch (error) {
        result.errors.push(`recovery: ${error?.message ?? error}`);
      }
    }

    if (o.trade) {
      try {
        const ledger = `sim-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
        const [, buyerAddresses] = await Promise.all([
          A.evaluate((l) => window.darkswapSim.tradeSetup('seller', l), ledger),
          B.evaluate((l) => window.darkswapSim.tradeSetup('buyer', l), ledger),
        ]);
        const { id, t0 } = await B.evaluate((p) => window.darkswapSim.tradePropose(p), idA);
        const buyer = await B.evaluate((i, ms) => window.darkswapSim.tradeResult(i, ms), id, o.tradeTimeoutMs);
        const seller = await A.evaluate((i) => window.darkswapSim.tradeResult(i, 5_000), id);
        const done = buyer.state === 'done' && seller.state === 'done' && buyer.txid === seller.txid;
        const settled = done && buyerAddresses.includes(buyer.address) && buyer.runes.join() === '840000:3=1000';
        result.trade = { state: `${seller.state}/${buyer.state}`, ms: done ? round(buyer.tEnd - t0, 0) : null, settled };
        if (done && !settled)
          result.errors.push(`trade: done, but the ledger shows ${JSON.stringify(buyer.runes)} at ${buyer.address}, not the rune at the buyer`);
        if (!done)
          result.notes.push(
            `trade: seller ${seller.state}, buyer ${buyer.state}${buyer.failure || seller.failure ? `: ${buyer.failure ?? seller.failure}` : ''}`,
          );
      } catch (error) {
        result.errors.push(`trade: ${error?.message ?? error}`);
      }
    }

    if (o.file) {
      const bytes = o.fileBytes ?? fileBytesFor(cell.mbps, o.fileSeconds);
      try {
        const sent = await A.evaluate((p, n) => window.darkswapSim.sendFile(p, n), idB, bytes);
        const got = await withTimeout(
          B.evaluate((ms) => window.darkswapSim.fileResult(ms), o.fileTimeoutMs),
          o.fileTimeoutMs + 20_000,
          'file result',
        );
        const ms = got.tEnd - sent.t0;
        const complete = got.status === 'complete';
        result.file = {
          bytes,
          complete,
          status: got.status,
          ms: round(ms, 0),
          // complete: the whole file over the time; otherwise what arrived by the deadline
          mbps: round(((complete ? bytes : got.bytes) * 8) / 1e6 / (ms / 1000), 3),
          hashOk: complete ? got.sha256 === sent.sha256 && got.verified === sent.sha256 : null,
        };
        if (complete && !result.file.hashOk) result.errors.push('file: the received SHA-256 differs from the sent one');
        if (!complete)
          result.notes.push(
            `file: ${got.status === 'timeout' ? 'not done' : got.status} after ${round(ms / 1000)} s (${got.bytes} of ${bytes} bytes)${got.problem ? `: ${got.problem}` : ''}`,
          );
      } catch (error) {
        result.errors.push(`file: ${error?.message ?? error}`);
      }
    }
  } catch (error) {
    result.errors.push(error?.message ?? String(error));
  } finally {
    await Promise.all(pages.map((p) => p.evaluate(() => window.darkswapSim.close()).catch(() => {})));
  }
  const after = turn.stats();
  const d = (k) => after.up[k] + after.down[k] - before.up[k] - before.down[k];
  result.proxy = { packets: d('packets'), lost: d('lost'), queueDrops: d('queueDrops'), legLossPct: round((100 * d('lost')) / Math.max(1, d('packets')), 2) };
  return result;
}

/** The results as a fixed-width table (one row per cell). */
export function formatTable(results) {
  const rows = [
    ['loss %', 'RTT ms', 'Mbit/s cap', 'connect ms', 'file Mbit/s', 'file', 'msg p50 ms', 'msg p95 ms', 'recovery ms', 'trade ms', 'leg loss %', 'errors'],
  ];
  const v = (x) => (x === null || x === undefined ? '–' : String(x));
  for (const r of results) {
    rows.push([
      v(r.lossPct),
      v(r.rttMs),
      r.mbps ? v(r.mbps) : 'none',
      v(r.connectMs),
      v(r.file?.mbps),
      r.file ? (r.file.complete ? (r.file.hashOk ? 'ok' : 'HASH!') : r.file.status === 'timeout' ? 'partial' : r.file.status) : '–',
      v(r.latency?.p50Ms),
      v(r.latency?.p95Ms),
      r.recovery ? `${v(r.recovery.ms)}${r.recovery.linkDropped ? ' (redial)' : ''}` : '–',
      r.trade ? (r.trade.settled ? v(r.trade.ms) : r.trade.state) : '–',
      v(r.proxy?.legLossPct),
      r.skipped ? `skipped: ${r.skipped}` : String(r.errors?.length ?? 0),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}
