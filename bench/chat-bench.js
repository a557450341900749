// Chat benchmarks (issue 16), in this page, on the kit from the bench page (built bundle, or src with ?impl=source):
//   chat_converge_ms   — four kit services in a chain A–B–C–D (links only A-B, B-C, C-D), one group with all four
//                        as members, each chat engine in memory: the four write 250 messages each at once (1,000
//                        signed messages) → every engine holds the same 1,000 messages in the same order (signature
//                        checks, gossip across the chain, digest sync). Median of 3 fresh chains.
//   chat_render_10k_ms — <darkswap-group-chat> on an engine holding one group of 10,000 messages (signed
//                        beforehand, loaded from its store): element attached → the virtualized list shows the
//                        newest message (it opens scrolled to the end). Median of 5 fresh elements after a warm-up.

let kit;
let serviceOf;

export function useKit(k, makeService) {
  kit = k;
  serviceOf = makeService;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, ms, ok, step = 5) {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await sleep(step);
  }
  return performance.now();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function openNode(sig) {
  const identity = await kit.createIdentity();
  const service = serviceOf(sig, { identity });
  await service.open();
  const engine = new kit.ChatEngine(service, { store: new kit.MemoryChatStore() });
  await engine.ready;
  return { service, engine, identity };
}

async function link(a, b) {
  await a.service.connect(b.service.id);
  await until('link', 10_000, () => b.service.peers.includes(a.service.id));
}

/** `by` invites `who` (linked to it) and `who` joins. */
async function bringIn(by, who, g) {
  await until('chat peers', 5_000, () => {
    try {
      return by.service.peerIdentity(who.service.id) !== undefined;
    } catch {
      return false;
    }
  });
  await by.engine.invite(g, who.service.id);
  await until('invitation', 5_000, () => who.engine.group(g)?.status === 'invited');
  await who.engine.join(g);
}

async function convergeOnce(sig, { perAuthor = 250 } = {}) {
  const nodes = [];
  try {
    for (let i = 0; i < 4; i++) nodes.push(await openNode(sig));
    const [a, b, c, d] = nodes;
    await link(a, b);
    await link(b, c);
    await link(c, d);
    const g = await a.engine.createGroup('Bench');
    await bringIn(a, b, g);
    await bringIn(b, c, g);
    await bringIn(c, d, g);
    await until('members everywhere', 10_000, () => nodes.every((n) => n.engine.group(g)?.members.filter((m) => m.status === 'member').length === 4));
    const total = perAuthor * nodes.length;
    const t0 = performance.now();
    const sends = [];
    for (let i = 0; i < perAuthor; i++) for (const n of nodes) sends.push(n.engine.send(g, `message ${i} from ${n.identity.publicKey.slice(0, 8)}`));
    await Promise.all(sends);
    const same = () => {
      const lists = nodes.map((n) => n.engine.messages(g));
      if (lists.some((l) => l.length !== total)) return false;
      const ref = lists[0].map((m) => m.id).join();
      return lists.every((l) => l.map((m) => m.id).join() === ref);
    };
    const t1 = await until('identical histories', 60_000, same, 2);
    const rejects = nodes.reduce((n, x) => n + x.engine.rejects.total - (x.engine.rejects.byReason.duplicate ?? 0), 0);
    return { ms: t1 - t0, rejects };
  } finally {
    for (const n of nodes) {
      n.engine.dispose();
      n.service.destroy();
    }
  }
}

async function converge(sig, { rounds = 3 } = {}) {
  const times = [];
  let rejects = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await convergeOnce(sig);
    times.push(r.ms);
    rejects += r.rejects;
  }
  return { times, median: median(times), rejects };
}

async function render(sig, { count = 10_000, trials = 5 } = {}) {
  const identity = await kit.createIdentity();
  const friend = await kit.createIdentity();
  const service = serviceOf(sig, { identity });
  await service.open();
  const store = new kit.MemoryChatStore();
  // One group (me and a friend) with `count` signed messages, written straight into the engine's store.
  const me = identity.publicKey;
  const nonce = 'ab'.repeat(16);
  const g = kit.chatGroupIdFor(me, nonce);
  const t = Date.now() - count * 1_000;
  const items = [
    await kit.signChatItem(identity, { v: 1, k: 'op', op: 'create', g, a: me, t: t - 3, c: 0, nonce, name: 'Ten thousand' }),
    await kit.signChatItem(identity, { v: 1, k: 'op', op: 'invite', g, a: me, t: t - 2, c: 0, who: friend.publicKey }),
    await kit.signChatItem(friend, { v: 1, k: 'op', op: 'join', g, a: friend.publicKey, t: t - 1, c: 0, n: 'Friend' }),
  ];
  const batch = [];
  for (let i = 0; i < count; i++) {
    const author = i % 3 ? friend : identity;
    const text = i % 7 ? `Message number ${i}` : `A longer message number ${i}, which wraps onto a second line in a narrow list. `.repeat(2);
    batch.push(
      kit.signChatItem(author, { v: 1, k: 'msg', g, a: author.publicKey, t: t + i * 1_000, c: 0, text, ...(author === friend ? { n: 'Friend' } : {}) }),
    );
  }
  items.push(...(await Promise.all(batch)));
  await store.write(me, { put: items, remove: [], meta: new Map() });
  const lease = kit.ChatEngine.acquire(service, { store, cap: count });
  const engine = lease.feature;
  await engine.ready;
  if (engine.messages(g).length !== count) throw new Error(`the engine holds ${engine.messages(g).length} messages, not ${count}`);
  const last = engine.messages(g)[count - 1].id;
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;inset:0 auto auto 0;inline-size:48rem';
  document.body.append(host);
  const times = [];
  try {
    for (let i = 0; i <= trials; i++) {
      const el = document.createElement('darkswap-group-chat');
      el.connection = service;
      el.group = g;
      const t0 = performance.now();
      host.append(el);
      const t1 = await until('the newest message shown', 10_000, () => !!el.shadowRoot?.querySelector(`[part~="message"][data-id="${last}"]`), 1);
      if (i > 0) times.push(t1 - t0);
      el.remove();
      await sleep(50);
    }
  } finally {
    host.remove();
    lease.release();
    service.destroy();
  }
  return { times, median: median(times) };
}

export const chat = { converge, render };
