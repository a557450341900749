// The `sim` group of `npm run bench`: the kit's file transfer over the impaired relay path (scripts/sim/) at
// 100 ms RTT with 0 % and with 5 % loss, interleaved over `rounds` rounds in one run (same machine load for
// both); medians in Mbit/s and their ratio. A transfer that does not finish in time counts what arrived.
import { coturnMissing } from '../coturn.mjs';
import { startImpairedTurn } from './impaired-turn.mjs';
import { openSimPage, percentile, runCell } from './run.mjs';

const round = (n, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

/** Returns false when a run failed (a skip for missing coturn is not a failure). */
export async function simBench({ browser, origin, source, sig, emit, log, rounds = 3 }) {
  const missing = coturnMissing();
  if (missing) {
    log(`sim: skipped — ${missing}`);
    return true;
  }
  const turn = await startImpairedTurn({});
  const pages = [];
  try {
    pages.push(await openSimPage(browser, origin, { source, log }), await openSimPage(browser, origin, { source, log }));
    const o = { file: true, latency: false, recovery: false, fileBytes: 1024 * 1024, fileTimeoutMs: 60_000 };
    const runs = { 0: [], 5: [] };
    let ok = true;
    log(`sim: 1 MiB kit file transfers over a relayed path at 100 ms RTT, 10 Mbit/s cap, 0 % vs 5 % loss, ${rounds} interleaved rounds…`);
    for (let i = 0; i < rounds; i++) {
      for (const lossPct of i % 2 ? [5, 0] : [0, 5]) {
        const r = await runCell({ pages, sig, turn, cell: { lossPct, rttMs: 100, mbps: 10 }, o });
        for (const e of [...r.errors, ...r.notes]) log(`sim: loss ${lossPct} %: ${e}`);
        if (!r.file || r.file.hashOk === false || !r.relayed) ok = false;
        if (typeof r.file?.mbps === 'number') runs[lossPct].push(r.file.mbps);
        log(
          `sim: round ${i + 1}, loss ${lossPct} %: ${r.file?.mbps ?? '–'} Mbit/s (${r.file?.complete ? 'complete, hash ok' : (r.file?.status ?? 'failed')}), each leg dropped ${r.proxy.legLossPct} %`,
        );
      }
    }
    if (!runs[0].length || !runs[5].length) return false;
    const m0 = percentile(runs[0], 50);
    const m5 = percentile(runs[5], 50);
    log(`sim: median loss 0 % ${round(m0)} Mbit/s, loss 5 % ${round(m5)} Mbit/s, ratio ${round(m5 / m0)}`);
    emit('sim_file_mbps_loss0_rtt100', round(m0), 'Mbit/s');
    emit('sim_file_mbps_loss5_rtt100', round(m5), 'Mbit/s');
    emit('sim_file_loss5_over_loss0_ratio', round(m5 / m0), 'ratio');
    return ok;
  } finally {
    for (const p of pages) await p.close().catch(() => {});
    await turn.stop();
  }
}
