// Benchmark page module, driven by scripts/bench.mjs through `window.darkswapBench`.
// The kit comes from the built bundle (production code path) unless the page URL has ?impl=source;
// bare PeerJS comes from node_modules (served unbundled by the bench's dev server).
import { Peer } from 'peerjs';
import { abuse, useKit } from './abuse-bench.js';
import { turn, useKit as useKitForTurn } from './turn-bench.js';
import { bandwidth, useKit as useKitForBandwidth } from './bandwidth-bench.js';
import { settings, useKit as useKitForSettings } from './settings-bench.js';
import { call, useKit as useKitForCall } from './call-bench.js';
import { discovery, useKit as useKitForDiscovery } from './discovery-bench.js';
import { chat, useKit as useKitForChat } from './chat-bench.js';

const impl = new URLSearchParams(location.search).get('impl') === 'source' ? 'source' : 'cdn';

async function loadKit() {
  if (impl === 'source') {
    const [core, model] = await Promise.all([import('../src/core/index.ts'), import('../src/components/demo/demo.model.ts')]);
    return {
      ConnectionService: core.ConnectionService,
      createIdentity: core.createIdentity,
      DemoMessageSchema: model.DemoMessageSchema,
      DEMO_MAX_BYTES: model.DEMO_MAX_BYTES,
      SettingsStore: (await import('../src/features/settings/settings.store.ts')).SettingsStore,
      CallEngine: (await import('../src/features/call/call.engine.ts')).CallEngine,
      DiscoveryEngine: (await import('../src/features/discovery/discovery.engine.ts')).DiscoveryEngine,
      ...(await loadChat()),
    };
  }
  const kit = await import('../cdn/darkswap.js');
  // The all-in-one carries these widgets' APIs in lazy chunks (loadWidget also registers their elements).
  const [settings, call, discovery, chat] = await Promise.all(['settings', 'av-call', 'peer-discovery', 'group-chat'].map((name) => kit.loadWidget(name)));
  return {
    ConnectionService: kit.ConnectionService,
    createIdentity: kit.createIdentity,
    DemoMessageSchema: kit.DemoMessageSchema,
    DEMO_MAX_BYTES: kit.DEMO_MAX_BYTES,
    SettingsStore: settings.SettingsStore,
    CallEngine: call.CallEngine,
    DiscoveryEngine: discovery.DiscoveryEngine,
    ChatEngine: chat.ChatEngine,
    MemoryChatStore: chat.MemoryChatStore,
    signChatItem: chat.signChatItem,
    chatGroupIdFor: chat.chatGroupIdFor,
  };
}

/** The chat pieces from src (and <darkswap-group-chat> registered). */
async function loadChat() {
  const [engine, store, protocol] = await Promise.all([
    import('../src/features/chat/chat.engine.ts'),
    import('../src/features/chat/chat.store.ts'),
    import('../src/features/chat/chat.protocol.ts'),
    import('../src/components/group-chat/darkswap-group-chat.ts'),
  ]);
  return { ChatEngine: engine.ChatEngine, MemoryChatStore: store.MemoryChatStore, signChatItem: protocol.signItem, chatGroupIdFor: protocol.groupIdFor };
}

const kit = await loadKit();
useKit(kit, kitService);
useKitForTurn(kit, kitService);
useKitForBandwidth(kit, kitService);
useKitForSettings(kit);
useKitForCall(kit, (sig) => kitPair(sig));
useKitForDiscovery(kit);
useKitForChat(kit, kitService);

/** Reject after `ms` so no await in a bench can hang. */
function timeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- kit -------------------------------------------------------------------------------------------------------

function kitService(sig, extra = {}) {
  return new kit.ConnectionService({
    host: sig.host,
    port: sig.port,
    path: sig.path,
    key: sig.key,
    iceServers: [],
    connectTimeoutMs: 10_000,
    openTimeoutMs: 10_000,
    ...extra,
  });
}

/** One fresh pair; time a.connect(b.id) → resolved (link open). Signaling is already open on both. */
async function kitConnectTrial(sig) {
  const a = kitService(sig);
  const b = kitService(sig);
  try {
    const [, idB] = await timeout(Promise.all([a.open(), b.open()]), 10_000, 'kit open');
    const t0 = performance.now();
    await timeout(a.connect(idB), 12_000, 'kit connect');
    return performance.now() - t0;
  } finally {
    a.destroy();
    b.destroy();
  }
}

// ---- bare PeerJS -----------------------------------------------------------------------------------------------

function barePeer(sig) {
  const peer = new Peer({ host: sig.host, port: sig.port, path: sig.path, key: sig.key, secure: false, debug: 0, config: { iceServers: [] } });
  const opened = new Promise((resolve, reject) => {
    peer.once('open', resolve);
    peer.once('error', reject);
  });
  return { peer, opened };
}

async function bareConnectTrial(sig) {
  const a = barePeer(sig);
  const b = barePeer(sig);
  try {
    const [, idB] = await timeout(Promise.all([a.opened, b.opened]), 10_000, 'peerjs open');
    const t0 = performance.now();
    const conn = a.peer.connect(idB);
    await timeout(
      new Promise((resolve, reject) => {
        conn.once('open', resolve);
        conn.once('error', reject);
        a.peer.once('error', reject);
      }),
      12_000,
      'peerjs connect',
    );
    return performance.now() - t0;
  } finally {
    a.peer.destroy();
    b.peer.destroy();
  }
}

// ---- benches ---------------------------------------------------------------------------------------------------

/**
 * `trials` kit and `trials` bare-PeerJS connections, interleaved (ABAB, then BABA on odd rounds) so machine
 * noise hits both alike; `warmup` rounds first are discarded. Stops early at `deadlineMs`.
 */
async function connect(sig, { trials = 30, warmup = 2, deadlineMs = 60_000 } = {}) {
  const end = performance.now() + deadlineMs;
  const kitTimes = [];
  const bareTimes = [];
  const errors = [];
  for (let round = 0; round < warmup + trials && performance.now() < end; round++) {
    const order = round % 2 === 0 ? ['kit', 'bare'] : ['bare', 'kit'];
    for (const which of order) {
      try {
        const ms = which === 'kit' ? await kitConnectTrial(sig) : await bareConnectTrial(sig);
        if (round >= warmup) (which === 'kit' ? kitTimes : bareTimes).push(ms);
      } catch (error) {
        errors.push(`${which}: ${error?.message ?? error}`);
        if (errors.length > 5) return { kit: kitTimes, peerjs: bareTimes, errors, aborted: true };
      }
    }
  }
  return { kit: kitTimes, peerjs: bareTimes, errors, impl };
}

/** Ping/pong echo of a small message on the kit's `demo` channel between two services in this page. */
async function roundtrip(sig, { count = 200, warmup = 20, deadlineMs = 30_000 } = {}) {
  const a = kitService(sig);
  const b = kitService(sig);
  const end = performance.now() + deadlineMs;
  try {
    const [idA, idB] = await timeout(Promise.all([a.open(), b.open()]), 10_000, 'kit open');
    await timeout(a.connect(idB), 12_000, 'kit connect');
    // b's side of the link opens right after a's; wait until it can send back.
    const openDeadline = performance.now() + 5_000;
    while (!b.peers.includes(idA)) {
      if (performance.now() > openDeadline) throw new Error('b never saw the link open');
      await new Promise((r) => setTimeout(r, 5));
    }
    const options = { schema: kit.DemoMessageSchema, maxBytes: kit.DEMO_MAX_BYTES };
    const chA = a.channel('demo', options);
    const chB = b.channel('demo', options);
    chB.on((message, from) => chB.send(from, message));
    let waiting;
    chA.on((message) => waiting?.(message));
    const times = [];
    for (let i = 0; i < warmup + count && performance.now() < end; i++) {
      const text = `ping ${i}`;
      const t0 = performance.now();
      const echoed = await timeout(
        new Promise((resolve) => {
          waiting = resolve;
          chA.send(idB, { text });
        }),
        5_000,
        'roundtrip',
      );
      const ms = performance.now() - t0;
      if (echoed.text !== text) throw new Error(`echo mismatch: sent "${text}", got "${echoed.text}"`);
      if (i >= warmup) times.push(ms);
    }
    return { times, impl };
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** An open, authenticated pair of kit services in this page. */
async function kitPair(sig, extra = {}) {
  const a = new kit.ConnectionService({ ...kitConfig(sig), ...extra });
  const b = new kit.ConnectionService({ ...kitConfig(sig), ...extra });
  const [idA, idB] = await timeout(Promise.all([a.open(), b.open()]), 10_000, 'kit open');
  await timeout(a.connect(idB), 12_000, 'kit connect');
  const deadline = performance.now() + 5_000;
  while (!b.peers.includes(idA)) {
    if (performance.now() > deadline) throw new Error('b never saw the link open');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { a, b, idA, idB };
}

function kitConfig(sig) {
  return { host: sig.host, port: sig.port, path: sig.path, key: sig.key, iceServers: [], connectTimeoutMs: 10_000, openTimeoutMs: 10_000 };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One-way latency of small reliable messages (one page, one clock), first on an idle link, then while a
 * `bulkBytes` stream runs on the same link's bulk channel. Messages go every `intervalMs`.
 */
async function latency(sig, { count = 200, intervalMs = 10, bulkBytes = 64 * 1024 * 1024 } = {}) {
  const { a, b, idB } = await kitPair(sig);
  try {
    const schema = kit.DemoMessageSchema;
    const orders = a.channel('orders', { schema, priority: 'high' });
    const arrived = new Map();
    b.channel('orders', { schema, priority: 'high' }).on((m) => arrived.set(m.text, performance.now()));
    const run = async (tag) => {
      const sentAt = [];
      for (let i = 0; i < count; i++) {
        sentAt.push(performance.now());
        orders.send(idB, { text: `${tag}${i}` });
        await sleep(intervalMs);
      }
      const deadline = performance.now() + 20_000;
      while (![...Array(count).keys()].every((i) => arrived.has(`${tag}${i}`))) {
        if (performance.now() > deadline) throw new Error(`${tag}: messages missing`);
        await sleep(5);
      }
      return sentAt.map((t, i) => arrived.get(`${tag}${i}`) - t);
    };
    const idle = await run('idle-');
    const bulkA = a.bulkChannel('bench-bulk', { schema: kit.DemoMessageSchema });
    let received = 0;
    b.bulkChannel('bench-bulk', { schema: kit.DemoMessageSchema }).on((_h, data) => (received += data.length));
    const chunk = bulkA.maxChunkBytes(idB);
    const payload = new Uint8Array(chunk);
    const t0 = performance.now();
    let bulkDone = false;
    const streaming = (async () => {
      for (let sent = 0; sent < bulkBytes; sent += chunk) {
        await bulkA.send(idB, { text: 'c' }, sent + chunk > bulkBytes ? payload.subarray(0, bulkBytes - sent) : payload);
      }
      bulkDone = true;
    })();
    await sleep(100); // let the bulk stream fill its buffers first
    const loaded = await run('bulk-');
    const stillStreaming = !bulkDone;
    await streaming;
    const deadline = performance.now() + 60_000;
    while (received < bulkBytes) {
      if (performance.now() > deadline) throw new Error('bulk stream incomplete');
      await sleep(5);
    }
    const seconds = (performance.now() - t0) / 1000;
    return { idle, loaded, stillStreaming, bulkMbps: (bulkBytes * 8) / 1e6 / seconds, impl };
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** `drops` forced drops (closing one side's RTCPeerConnection, alternating): time until a message sent right after arrives. */
async function recovery(sig, { drops = 12 } = {}) {
  const { a, b, idA, idB } = await kitPair(sig);
  try {
    const chA = a.channel('tick', { schema: kit.DemoMessageSchema });
    let last = '';
    b.channel('tick', { schema: kit.DemoMessageSchema }).on((m) => (last = m.text));
    const times = [];
    for (let i = 0; i < drops; i++) {
      const deadline = performance.now() + 20_000;
      while (a.linkStatus(idB) !== 'open' || b.linkStatus(idA) !== 'open') {
        if (performance.now() > deadline) throw new Error('link did not settle');
        await sleep(5);
      }
      await sleep(100);
      const victim = i % 2 ? b.peerConnection(idA) : a.peerConnection(idB);
      const t0 = performance.now();
      victim.close();
      chA.send(idB, { text: `after drop ${i}` });
      while (last !== `after drop ${i}`) {
        if (performance.now() > deadline) throw new Error(`drop ${i}: no recovery`);
        await sleep(1);
      }
      times.push(performance.now() - t0);
    }
    return { times, impl };
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** File transfer: kit (hashing on) vs raw RTCDataChannel vs PeerJS, and heap growth receiving 1 GiB. */
async function file(sig, options = {}) {
  const all = impl === 'source' ? undefined : await import('../cdn/darkswap.js');
  const full = all ? { ...all, ...(await all.loadWidget('file-share')) } : await import('../src/index.ts');
  const { fileBench } = await import('./file-bench.js');
  return fileBench(full, sig, options);
}

/** Orderbook: insert+match throughput, verification rate, render/update costs, burst longest task, sync. */
async function orderbook(sig) {
  const { orderbookBench } = await import('./orderbook-bench.ts');
  return orderbookBench(sig);
}

/** Trade: build + both verifications of one swap PSBT. */
async function trade() {
  const { tradeBench } = await import('./trade-bench.ts');
  return tradeBench();
}

/** Indexer: one outpoint through the chain adapters against the local chain server at `base`. */
async function indexer(base, outpoints) {
  const { indexerBench } = await import('./indexer-bench.ts');
  return indexerBench(base, outpoints);
}

/**
 * Stats sampler cost: `links` linked pairs in this page, one side of each watching its link's statistics at
 * 1 Hz for `seconds`; the JS main-thread time the samplers spent turning reports into samples, per link per second.
 */
async function stats(sig, { links = 10, seconds = 10 } = {}) {
  const services = [];
  try {
    const pairs = [];
    for (let i = 0; i < links; i++) {
      const [a, b] = [kitService(sig), kitService(sig)];
      services.push(a, b);
      const [, idB] = await timeout(Promise.all([a.open(), b.open()]), 10_000, 'stats open');
      await timeout(a.connect(idB), 12_000, 'stats connect');
      pairs.push([a, idB]);
    }
    const stops = pairs.map(([a, idB]) => a.watchStats(idB, () => undefined));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    for (const stop of stops) stop();
    const cost = pairs.reduce((total, [a]) => total + a.statsCostMs, 0);
    return { stats_sampler_ms_per_link_s: cost / (links * seconds) };
  } finally {
    for (const s of services) s.destroy();
  }
}

window.darkswapBench = {
  indexer,
  ready: true,
  impl,
  connect,
  roundtrip,
  latency,
  recovery,
  file,
  orderbook,
  trade,
  abuse,
  stats,
  turn,
  settings,
  bandwidth,
  call,
  discovery,
  chat,
};
