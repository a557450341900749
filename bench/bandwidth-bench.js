// Bandwidth bench (issue 14), driven by scripts/bench.mjs: one linked pair in this page, the sender's bulk budget
// capped (`setBandwidth({ bulkBps })`), a 64 MiB transfer on a bulk channel; throughput = payload bytes / (first
// send → last byte received), reported as a ratio to the cap.

let kit;
let service;

/** The kit module and bench.js's service factory `(sig, extra) → ConnectionService`. */
export function useKit(k, makeService) {
  kit = k;
  service = makeService;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Measured throughput / cap over `bytes` of bulk data at `capBps` (bytes per second; default 20 Mbit/s). */
async function capRatio(sig, { bytes = 64 * 1024 * 1024, capBps = 20e6 / 8 } = {}) {
  const a = service(sig);
  const b = service(sig);
  try {
    if (typeof a.setBandwidth !== 'function') throw new Error('this build of the kit has no setBandwidth: rebuild (npm run build) or pass --source');
    const [idA, idB] = await Promise.all([a.open(), b.open()]);
    await a.connect(idB);
    while (!b.peers.includes(idA)) await sleep(5);
    a.setBandwidth({ bulkBps: capBps });
    const bulkA = a.bulkChannel('bench-bw', { schema: kit.DemoMessageSchema });
    let received = 0;
    b.bulkChannel('bench-bw', { schema: kit.DemoMessageSchema }).on((_h, data) => (received += data.length));
    const chunk = bulkA.maxChunkBytes(idB);
    const payload = new Uint8Array(chunk);
    const t0 = performance.now();
    for (let sent = 0; sent < bytes; sent += chunk) {
      await bulkA.send(idB, { text: 'c' }, sent + chunk > bytes ? payload.subarray(0, bytes - sent) : payload);
    }
    const deadline = performance.now() + 30_000;
    while (received < bytes) {
      if (performance.now() > deadline) throw new Error(`bulk transfer incomplete: ${received} of ${bytes} bytes`);
      await sleep(2);
    }
    const seconds = (performance.now() - t0) / 1000;
    const usage = a.bandwidth.usage.today;
    return { ratio: bytes / seconds / capBps, seconds, mbps: (bytes * 8) / 1e6 / seconds, capMbps: (capBps * 8) / 1e6, bulkSent: usage.bulkSent };
  } finally {
    a.destroy();
    b.destroy();
  }
}

export const bandwidth = { capRatio };
