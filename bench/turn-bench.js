// TURN benches (issue 13), driven by scripts/bench.mjs with real coturns it starts on 127.0.0.1:
// - relay connect: connect → open through one coturn (relay preset) interleaved with direct (lan) connects;
// - failover: two coturns, a relayed link streaming acked messages; the driver kills the coturn in use and the
//   page times the kill → first message through on the other server.

let kit;
let service;
const state = { a: undefined, b: undefined, got: 0, sent: 0, pump: undefined, armedAt: 0, armedCount: 0 };

/** The kit module and bench.js's service factory `(sig, extra) → ConnectionService`. */
export function useKit(k, makeService) {
  kit = k;
  service = makeService;
}

async function pairOnce(sig, extra) {
  const a = service(sig, extra);
  const b = service(sig, extra);
  try {
    const [, idB] = await Promise.all([a.open(), b.open()]);
    const t0 = performance.now();
    await a.connect(idB);
    return performance.now() - t0;
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** `trials` relay connects (through `server`) and as many direct ones, interleaved; ms each. */
async function relayConnect(sig, server, { trials = 15, warmup = 1 } = {}) {
  const relay = [];
  const direct = [];
  const errors = [];
  for (let round = 0; round < warmup + trials; round++) {
    for (const which of round % 2 ? ['direct', 'relay'] : ['relay', 'direct']) {
      try {
        const ms = await pairOnce(sig, which === 'relay' ? { icePreset: 'relay', iceServers: [server] } : {});
        if (round >= warmup) (which === 'relay' ? relay : direct).push(ms);
      } catch (error) {
        errors.push(`${which}: ${error?.message ?? error}`);
      }
    }
  }
  return { relay, direct, errors };
}

/** Two services on both servers (relay preset), linked, streaming 50 acked messages/s; the key of the relay in use. */
async function failoverSetup(sig, servers) {
  failoverClose();
  const extra = { icePreset: 'relay', iceServers: servers, statsIntervalMs: 250 };
  const [a, b] = [service(sig, extra), service(sig, extra)];
  Object.assign(state, { a, b, got: 0, sent: 0 });
  const [, idB] = await Promise.all([a.open(), b.open()]);
  // Both servers scored before the link is made (the pool probes them after registration).
  const until = performance.now() + 10_000;
  while (!(a.turnServers.length === 2 && a.turnServers.every((s) => s.ok > 0)) && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  await a.connect(idB);
  const options = { schema: kit.DemoMessageSchema, maxBytes: kit.DEMO_MAX_BYTES };
  b.channel('bench-turn', options).on(() => state.got++);
  const ch = a.channel('bench-turn', options);
  state.pump = setInterval(() => ch.send(idB, { text: String(state.sent++) }), 20);
  while (state.got < 20) await new Promise((r) => setTimeout(r, 20));
  const latest = (await a.stats(idB)).latest;
  return latest?.relayUrl ?? null;
}

/** Marks the moment before the kill. */
function failoverArm() {
  state.armedAt = performance.now();
  state.armedCount = state.got;
}

/** Ms from the arm to the first message that arrives after it (stream resumed), or null after `ms`. */
async function failoverWait(ms = 15_000) {
  const until = state.armedAt + ms;
  // The stream stalls at the kill; messages in flight before it may still land, so wait for 5 beyond the count.
  while (state.got < state.armedCount + 5 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
  const done = state.got >= state.armedCount + 5 ? performance.now() - state.armedAt : null;
  const switches = state.a?.turnServers.map((s) => `${s.key} failed ${s.failed}`) ?? [];
  return { ms: done, servers: switches };
}

function failoverClose() {
  clearInterval(state.pump);
  state.a?.destroy();
  state.b?.destroy();
  state.a = state.b = undefined;
}

export const turn = { relayConnect, failoverSetup, failoverArm, failoverWait, failoverClose };
