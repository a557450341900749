// Connection floods and churn (issue 20, class 6), driven by scripts/bench.mjs across three pages of one browser:
// a victim page, an attacker page and an honest page (three renderers, so one page's ~500 peer connection limit
// is not shared with the others). The honest page times fresh connects to the victim: idle, right after 1,000
// connect/disconnect cycles by one attacking peer, and while 400 hostile authenticated links are open.
import { Peer } from 'peerjs';

let kit;
let service;
const state = { victim: undefined, hostiles: [], churner: undefined };

/** The kit module and bench.js's service factory `(sig, extra) → ConnectionService`. */
export function useKit(k, makeService) {
  kit = k;
  service = makeService;
}

/** Victim page: one service that stays open; its id. */
async function victimOpen(sig, config = {}) {
  state.victim?.destroy();
  state.victim = service(sig, { ...config, identity: await kit.createIdentity() });
  const refused = {};
  state.victim.addEventListener('peer-refused', (e) => (refused[e.reason] = (refused[e.reason] ?? 0) + 1));
  state.victim.refusedCounts = refused;
  return state.victim.open();
}

function victimStats() {
  const v = state.victim;
  return { links: v.peers.length, refused: { ...v.refusedCounts }, signalingDrops: v.signalingDrops };
}

function victimClose() {
  state.victim?.destroy();
  state.victim = undefined;
}

/** Honest page: `trials` fresh services each time connect() to the victim; ms each (failures as null). */
async function honestConnects(sig, target, trials = 5) {
  const times = [];
  const errors = [];
  for (let i = 0; i < trials; i++) {
    const s = service(sig, { identity: await kit.createIdentity() });
    try {
      await s.open();
      const t0 = performance.now();
      await s.connect(target);
      times.push(performance.now() - t0);
    } catch (error) {
      times.push(null);
      errors.push(error?.message ?? String(error));
    } finally {
      s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { times, errors };
}

/**
 * Attacker page: one bare PeerJS peer dials the victim `cycles` times (raw serialization, as the kit does)
 * and closes each connection once it opened or after `holdMs`; `parallel` at a time. `gc()` (when exposed)
 * keeps this page's own closed peer connections from filling its renderer's limit.
 */
async function churn(sig, target, { cycles = 1_000, parallel = 25, holdMs = 1_500 } = {}) {
  const peer = new Peer({ host: sig.host, port: sig.port, path: sig.path, key: sig.key, secure: false, debug: 0, config: { iceServers: [] } });
  state.churner = peer;
  await new Promise((resolve, reject) => {
    peer.once('open', resolve);
    peer.once('error', reject);
  });
  peer.on('error', () => {});
  let opened = 0;
  let started = 0;
  const t0 = performance.now();
  const one = async () => {
    const conn = peer.connect(target, { serialization: 'raw', reliable: true });
    if (!conn) return;
    const ok = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), holdMs);
      conn.once('open', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (ok) opened++;
    conn.close();
  };
  const worker = async () => {
    while (started < cycles) {
      started++;
      await one();
      if (started % 50 === 0) globalThis.gc?.();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  peer.destroy();
  state.churner = undefined;
  globalThis.gc?.();
  return { cycles: started, opened, ms: performance.now() - t0 };
}

/** Attacker page: `count` kit services, each with its own identity, linked to the victim (`batch` at a time). */
async function flood(sig, target, { count = 400, batch = 10 } = {}) {
  let open = 0;
  const errors = [];
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, async () => {
        const s = service(sig, { identity: await kit.createIdentity(), connectTimeoutMs: 15_000 });
        state.hostiles.push(s);
        try {
          await s.open();
          await s.connect(target);
          open++;
        } catch (error) {
          if (errors.length < 5) errors.push(error?.message ?? String(error));
        }
      }),
    );
  }
  return { open, errors };
}

function floodStop() {
  for (const s of state.hostiles.splice(0)) s.destroy();
}

export const abuse = { victimOpen, victimStats, victimClose, honestConnects, churn, flood, floodStop };
