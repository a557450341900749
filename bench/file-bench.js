// File transfer benchmarks, run in the bench page (see bench/bench.js, scripts/bench.mjs).
//
//   import { fileBench } from './file-bench.js';
//   const r = await fileBench(kit, sig, { heapBytes? });
//
// `kit` needs `ConnectionService` and `createFileShareSession` (src/features/file-share/file-share.headless.ts);
// when the bundle lacks the latter, it is imported from source (works with `npm run bench -- --source`).
// `sig` is {host, port, path, key}. The three 64 MiB transfers run in this page, interleaved over 3 rounds, so they
// share the machine alike: kit (per-chunk + whole-file SHA-256, OPFS writes, ack window), a raw RTCDataChannel
// between two RTCPeerConnections (256 KiB chunks, bufferedAmount backpressure) and PeerJS's default `binary`
// serialization. Then 1 GiB goes through the kit while the JS heap is sampled.
import { Peer } from 'peerjs';

const MiB = 1024 * 1024;
const CHUNK = 256 * 1024;
const HIGH_WATER = 4 * MiB;
const LOW_WATER = 1 * MiB;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function timeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const mbps = (bytes, ms) => (bytes * 8) / 1e6 / (ms / 1000);

/** `bytes` of pseudo-random data as a Blob, built from one 4 MiB block (memory stays small on the JS side). */
function makeBlob(bytes, seed = 7) {
  const block = new Uint32Array(MiB);
  let x = seed;
  for (let i = 0; i < block.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x >>> 0;
  }
  // Each part is a Blob (the browser copies the bytes out of the JS heap), so only the one 4 MiB block
  // stays on the heap whatever the size — the heap bench measures the transfer, not its source.
  const parts = [];
  for (let at = 0; at < bytes; at += block.byteLength) {
    block[0] = at; // vary each block so the file is not periodic in 4 MiB
    parts.push(new Blob([at + block.byteLength <= bytes ? block : new Uint8Array(block.buffer, 0, bytes - at)]));
  }
  return new File(parts, `bench-${bytes}.bin`, { type: 'application/octet-stream' });
}

async function kitPair(kit, sig) {
  const config = { host: sig.host, port: sig.port, path: sig.path, key: sig.key, iceServers: [], connectTimeoutMs: 10_000, openTimeoutMs: 10_000 };
  const a = new kit.ConnectionService(config);
  const b = new kit.ConnectionService(config);
  const [idA, idB] = await timeout(Promise.all([a.open(), b.open()]), 10_000, 'kit open');
  await timeout(a.connect(idB), 12_000, 'kit connect');
  const deadline = performance.now() + 5_000;
  while (!b.peers.includes(idA)) {
    if (performance.now() > deadline) throw new Error('b never saw the link open');
    await sleep(5);
  }
  return { a, b, idA, idB };
}

async function sessionFactory(kit) {
  if (typeof kit.createFileShareSession === 'function') return kit.createFileShareSession;
  const mod = await import('../src/features/file-share/file-share.headless.ts');
  return mod.createFileShareSession;
}

/**
 * One kit transfer of `file` from a to b: timed from offer() (which hashes the file first) to the receiver's
 * verified completion. `onSample` is called every 100 ms while it runs.
 */
async function kitTransfer(kit, sig, file, { onSample, limitMs = 120_000 } = {}) {
  const createSession = await sessionFactory(kit);
  const { a, b, idB } = await kitPair(kit, sig);
  const storageKey = `bench-${Math.random().toString(36).slice(2)}`;
  let done;
  const finished = new Promise((resolve, reject) => (done = { resolve, reject }));
  const receiver = createSession(b, {
    storageKey,
    limits: { maxFiles: 10, maxBytes: 8 * 1024 ** 3 },
    listener: {
      offered: (t) => {
        queueMicrotask(() => receiver.engine.accept(t.id));
      },
      changed: () => {
        const t = receiver.engine.transfers[0];
        if (t?.status === 'complete') done.resolve(t);
        else if (t && (t.status === 'failed' || t.status === 'rejected' || t.status === 'cancelled'))
          done.reject(new Error(`kit transfer ${t.status}: ${t.reason?.message}`));
      },
    },
  });
  const sender = createSession(a, {});
  const sampler = onSample ? setInterval(onSample, 100) : undefined;
  try {
    const t0 = performance.now();
    await sender.engine.offer(idB, [file]);
    const offerMs = performance.now() - t0; // the whole-file SHA-256 the offer carries
    const t = await timeout(finished, limitMs, 'kit transfer');
    const ms = performance.now() - t0;
    return { ms, offerMs, verified: t.files[0].verified, resent: sender.engine.transfers[0].bytesResent, storage: await receiver.engine.storageKind() };
  } finally {
    clearInterval(sampler);
    const id = receiver.engine.transfers[0]?.id;
    if (id) await receiver.engine.remove(id).catch(() => undefined);
    sender.close();
    receiver.close();
    a.destroy();
    b.destroy();
    try {
      const root = await navigator.storage.getDirectory();
      const base = await root.getDirectoryHandle('darkswap-file-share');
      await base.removeEntry(storageKey, { recursive: true });
    } catch {
      /* nothing stored */
    }
  }
}

/** Raw RTCDataChannel between two RTCPeerConnections in this page: 256 KiB chunks with bufferedAmount backpressure. */
async function rawTransfer(bytes) {
  const pa = new RTCPeerConnection({ iceServers: [] });
  const pb = new RTCPeerConnection({ iceServers: [] });
  try {
    pa.onicecandidate = (e) => e.candidate && pb.addIceCandidate(e.candidate);
    pb.onicecandidate = (e) => e.candidate && pa.addIceCandidate(e.candidate);
    const da = pa.createDataChannel('raw', { negotiated: true, id: 0 });
    const db = pb.createDataChannel('raw', { negotiated: true, id: 0 });
    da.binaryType = db.binaryType = 'arraybuffer';
    await pa.setLocalDescription();
    await pb.setRemoteDescription(pa.localDescription);
    await pb.setLocalDescription();
    await pa.setRemoteDescription(pb.localDescription);
    await timeout(new Promise((r) => (da.readyState === 'open' ? r() : (da.onopen = r))), 10_000, 'raw open');
    const chunk = Math.min(CHUNK, pa.sctp?.maxMessageSize || CHUNK);
    let received = 0;
    const all = new Promise((resolve) => {
      db.onmessage = (e) => {
        received += e.data.byteLength;
        if (received >= bytes) resolve();
      };
    });
    da.bufferedAmountLowThreshold = LOW_WATER;
    const payload = new Uint8Array(chunk);
    crypto.getRandomValues(payload.subarray(0, 65536));
    const t0 = performance.now();
    for (let sent = 0; sent < bytes; sent += chunk) {
      if (da.bufferedAmount > HIGH_WATER) await new Promise((r) => (da.onbufferedamountlow = r));
      da.send(sent + chunk > bytes ? payload.subarray(0, bytes - sent) : payload);
    }
    await timeout(all, 60_000, 'raw transfer');
    return { ms: performance.now() - t0 };
  } finally {
    pa.close();
    pb.close();
  }
}

/** PeerJS's default serialization (`binary`): a send loop of 256 KiB ArrayBuffers, waiting while its channel is full. */
async function peerjsTransfer(sig, bytes) {
  const make = () => {
    const peer = new Peer({ host: sig.host, port: sig.port, path: sig.path, key: sig.key, secure: false, debug: 0, config: { iceServers: [] } });
    return {
      peer,
      opened: new Promise((resolve, reject) => {
        peer.once('open', resolve);
        peer.once('error', reject);
      }),
    };
  };
  const a = make();
  const b = make();
  try {
    const [, idB] = await timeout(Promise.all([a.opened, b.opened]), 10_000, 'peerjs open');
    let received = 0;
    const all = new Promise((resolve) => {
      b.peer.on('connection', (conn) =>
        conn.on('data', (data) => {
          received += data.byteLength ?? data.length ?? 0;
          if (received >= bytes) resolve();
        }),
      );
    });
    const conn = a.peer.connect(idB);
    await timeout(new Promise((resolve, reject) => (conn.once('open', resolve), conn.once('error', reject))), 12_000, 'peerjs connect');
    const dc = conn.dataChannel;
    const payload = new Uint8Array(CHUNK);
    crypto.getRandomValues(payload.subarray(0, 65536));
    const t0 = performance.now();
    for (let sent = 0; sent < bytes; sent += CHUNK) {
      while (dc.bufferedAmount > HIGH_WATER || conn.bufferSize > 16) await sleep(1);
      const part = sent + CHUNK > bytes ? payload.slice(0, bytes - sent) : payload.slice();
      conn.send(part.buffer);
    }
    await timeout(all, 90_000, 'peerjs transfer');
    return { ms: performance.now() - t0 };
  } finally {
    a.peer.destroy();
    b.peer.destroy();
  }
}

/**
 * Returns `{ file_64mib_kit_mbps, file_64mib_raw_mbps, file_64mib_peerjs_mbps, file_kit_over_raw_ratio,
 * file_1gib_heap_growth_mb }` (medians over `rounds` interleaved rounds) plus `details` (every round's times,
 * storage kind, heap figures; heap is `null` where performance.memory is missing). Options: `bytes` (default
 * 64 MiB), `heapBytes` (default 1 GiB; 0 skips it), `rounds` (default 3).
 */
export async function fileBench(kit, sig, { bytes = 64 * MiB, heapBytes = 1024 * MiB, rounds = 3 } = {}) {
  const file = makeBlob(bytes, 11);
  // Warm-up (hash-wasm instantiation, OPFS worker, first-connection costs) on a small file.
  await kitTransfer(kit, sig, makeBlob(4 * MiB, 3));
  // Interleaved rounds (raw, kit, PeerJS, …): a burst of load on this shared machine hits all three alike,
  // and the ratio is the median of the per-round ratios.
  const runs = { raw: [], kit: [], kitOffer: [], peerjs: [], ratio: [] };
  let storage;
  let resent = 0;
  for (let round = 0; round < rounds; round++) {
    const raw = await rawTransfer(bytes);
    const kitRun = await kitTransfer(kit, sig, file);
    const peerjs = await peerjsTransfer(sig, bytes);
    runs.raw.push(raw.ms);
    runs.kit.push(kitRun.ms);
    runs.kitOffer.push(kitRun.offerMs);
    runs.peerjs.push(peerjs.ms);
    runs.ratio.push(raw.ms / kitRun.ms);
    storage = kitRun.storage;
    resent += kitRun.resent;
  }
  const result = {
    file_64mib_kit_mbps: mbps(bytes, median(runs.kit)),
    file_64mib_raw_mbps: mbps(bytes, median(runs.raw)),
    file_64mib_peerjs_mbps: mbps(bytes, median(runs.peerjs)),
    file_kit_over_raw_ratio: median(runs.ratio),
    file_1gib_heap_growth_mb: null,
    details: { rounds: runs, storage, resentBytes: resent, heap: null },
  };
  if (heapBytes > 0 && performance.memory) {
    const big = makeBlob(heapBytes, 5);
    await sleep(200);
    const base = performance.memory.usedJSHeapSize;
    let peak = base;
    const seen = new Set([base]);
    const run = await kitTransfer(kit, sig, big, {
      limitMs: 240_000,
      onSample: () => {
        const used = performance.memory.usedJSHeapSize;
        seen.add(used);
        peak = Math.max(peak, used);
      },
    });
    // Without --enable-precise-memory-info Chromium quantizes and caches performance.memory: it never moves,
    // and a "0 MB growth" would be a lie. Report null then.
    const precise = seen.size > 2;
    result.file_1gib_heap_growth_mb = precise ? (peak - base) / MiB : null;
    result.details.heap = { baseMb: base / MiB, peakMb: peak / MiB, distinctSamples: seen.size, precise, ms: run.ms, mbps: mbps(heapBytes, run.ms) };
  }
  return result;
}
