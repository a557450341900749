// One side of the network simulator (scripts/simulate.mjs, and the `sim` group of `npm run bench`): a page with
// the kit's connection service relayed through the impaired TURN path, driven through `window.darkswapSim`.
// The kit comes from the built bundle (cdn/darkswap.js) unless the page URL has ?impl=source.
const impl = new URLSearchParams(location.search).get('impl') === 'source' ? 'source' : 'cdn';

async function loadKit() {
  if (impl === 'source') {
    const [core, model, files] = await Promise.all([
      import('../src/core/index.ts'),
      import('../src/components/demo/demo.model.ts'),
      import('../src/features/file-share/file-share.headless.ts'),
    ]);
    return { ConnectionService: core.ConnectionService, DemoMessageSchema: model.DemoMessageSchema, createFileShareSession: files.createFileShareSession };
  }
  const kit = await import('../cdn/darkswap.js');
  // The all-in-one carries the file-share API in a lazy chunk.
  const { createFileShareSession } = await kit.loadWidget('file-share');
  return { ConnectionService: kit.ConnectionService, DemoMessageSchema: kit.DemoMessageSchema, createFileShareSession };
}

const kit = await loadKit();
/** Wall-clock milliseconds with sub-millisecond resolution, comparable between pages of one machine. */
const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sha256Hex(blob) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `bytes` of pseudo-random data (xorshift from `seed`) as a File. */
function makeFile(bytes, seed) {
  const data = new Uint8Array(bytes);
  const words = new Uint32Array(data.buffer, 0, Math.floor(bytes / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new File([data], `sim-${bytes}.bin`, { type: 'application/octet-stream' });
}

let s; // this page's state for one cell

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(
    () => clearTimeout(timer),
  );
}

/** A fresh service on signaling `sig`, relayed only through `iceServer`; resolves to its id. */
async function open(sig, iceServer) {
  close();
  const service = new kit.ConnectionService({
    host: sig.host,
    port: sig.port,
    path: sig.path,
    key: sig.key,
    icePreset: 'relay',
    iceServers: [iceServer],
    persistUsage: false,
    stablePeerId: false,
    connectTimeoutMs: 30_000,
    openTimeoutMs: 15_000,
  });
  const options = { schema: kit.DemoMessageSchema, maxBytes: 256 };
  s = { service, latencies: [], arrivals: [], disconnects: 0, pump: undefined, file: undefined };
  service.addEventListener('peer-disconnected', () => s.disconnects++);
  s.latency = service.channel('sim-latency', options);
  s.latency.on((m) => s.latencies.push(wall() - Number(m.text)));
  s.pumpChannel = service.channel('sim-pump', options);
  s.pumpChannel.on((m) => s.arrivals.push([Number(m.text), Date.now()]));
  s.receiver = kit.createFileShareSession(service, {
    memory: true,
    limits: { maxFiles: 4, maxBytes: 256 * 1024 * 1024 },
    listener: { offered: (t) => queueMicrotask(() => void s.receiver.engine.accept(t.id)) },
  });
  return withTimeout(service.open(), 20_000, 'signaling open');
}

/** Link to `peer`; resolves when the link is open. */
async function connect(peer, ms = 40_000) {
  const t0 = wall();
  await withTimeout(s.service.connect(peer), ms, 'connect');
  return wall() - t0;
}

async function waitPeer(peer, ms = 40_000) {
  const until = performance.now() + ms;
  while (!s.service.peers.includes(peer)) {
    if (performance.now() > until) throw new Error(`link to ${peer} not open within ${ms} ms`);
    await sleep(20);
  }
  return true;
}

/** Whether the selected pair of the link to `peer` is relay/relay. */
async function relayed(peer, ms = 10_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => (stop(), resolve(false)), ms);
    const stop = s.service.watchStats(peer, (x) => {
      if (x.path === 'unknown') return;
      clearTimeout(timer);
      stop();
      resolve(x.path === 'relayed' && x.localType === 'relay' && x.remoteType === 'relay');
    });
  });
}

/** Sender: offer a file of `bytes` to `peer`; resolves when offered, with its SHA-256 and the start time. */
async function sendFile(peer, bytes, seed = 7) {
  const file = makeFile(bytes, seed);
  const sha256 = await sha256Hex(file);
  s.sender ??= kit.createFileShareSession(s.service, { memory: true });
  const t0 = wall();
  await s.sender.engine.offer(peer, [file]);
  return { t0, sha256 };
}

/**
 * Receiver: waits up to `ms` for the transfer; `{ status, bytes, total, tEnd, sha256, verified }`. sha256 is this
 * page's own hash of the received file; verified the engine's.
 */
async function fileResult(ms) {
  const until = performance.now() + ms;
  let t;
  for (;;) {
    t = s.receiver.engine.transfers[0];
    if (t && ['complete', 'failed', 'rejected', 'cancelled'].includes(t.status)) break;
    if (performance.now() > until) break;
    await sleep(20);
  }
  const tEnd = wall();
  if (!t) return { status: 'no offer', bytes: 0, total: 0, tEnd };
  const f = t.files[0];
  const finished = ['complete', 'failed', 'rejected', 'cancelled'].includes(t.status);
  const out = {
    status: finished ? t.status : 'timeout',
    bytes: t.bytesDone,
    total: t.totalBytes,
    tEnd,
    verified: f?.verified ?? null,
    sha256: null,
    problem: finished ? (f?.problem ?? t.reason?.message ?? null) : null,
  };
  // the rest of the cell runs on a quiet link
  if (!finished) await s.receiver.engine.cancel(t.id).catch(() => undefined);
  if (out.status === 'complete' && f?.file) out.sha256 = await sha256Hex(f.file);
  return out;
}

/** Sender: `count` small messages every `intervalMs`, each carrying its send time. */
async function latencySend(peer, count, intervalMs) {
  for (let i = 0; i < count; i++) {
    s.latency.send(peer, { text: String(wall()) });
    await sleep(intervalMs);
  }
  return true;
}

/** Receiver: waits until `count` arrived or `ms` passed; one-way latencies in ms. */
async function latencyResult(count, ms) {
  const until = performance.now() + ms;
  while (s.latencies.length < count && performance.now() < until) await sleep(20);
  return s.latencies.slice();
}

function pumpStart(peer, intervalMs = 20) {
  let seq = 0;
  s.pump = setInterval(() => s.pumpChannel.send(peer, { text: String(seq++) }), intervalMs);
  return true;
}

function pumpStop() {
  clearInterval(s?.pump);
  return true;
}

/** Receiver: the pump's arrivals `[seq, Date.now()]` and how often a link went down. */
function arrivals() {
  return { arrivals: s.arrivals.slice(), disconnects: s.disconnects };
}

// The trade (bench/sim-trade.ts, always from src through esbuild): set up on both pages, the buyer proposes.
let trade;
const tradeModule = async () => (trade ??= await import('./sim-trade.ts'));
const tradeSetup = async (role, ledgerName) => (await tradeModule()).tradeSetup(s.service, role, ledgerName);
const tradePropose = async (seller) => ({ id: await (await tradeModule()).tradePropose(seller), t0: wall() });
const tradeResult = async (id, ms) => ({ ...(await (await tradeModule()).tradeResult(id, ms)), tEnd: wall() });

function close() {
  if (!s) return true;
  trade?.tradeClose();
  pumpStop();
  s.sender?.close();
  s.receiver?.close();
  s.service.destroy();
  s = undefined;
  return true;
}

window.darkswapSim = {
  ready: true,
  open,
  connect,
  waitPeer,
  relayed,
  sendFile,
  fileResult,
  latencySend,
  latencyResult,
  pumpStart,
  pumpStop,
  arrivals,
  tradeSetup,
  tradePropose,
  tradeResult,
  close,
};
