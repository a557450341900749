// A userspace UDP impairment proxy on 127.0.0.1: clients send to its port, it forwards to one target (e.g. a
// coturn) and back, through an impairment model per client and direction (scripts/sim/impairment.mjs): `up` is
// client → target, `down` is target → client. Each client gets its own upstream socket (the target sees one
// address per client, as behind a NAT) and its own models (each client has its own access link).
// No root, no `tc`, no network namespace: it works in any container.
import dgram from 'node:dgram';
import { createImpairment, impairmentOptions } from './impairment.mjs';

/**
 * @param {{ target: { host?: string, port: number }, up?: object, down?: object, host?: string, port?: number,
 *           idleMs?: number, random?: () => number }} options
 * Resolves to `{ host, port, set({up, down}), blackout(ms), stats(), stop() }`.
 */
export async function startUdpProxy({ target, up = {}, down = {}, host = '127.0.0.1', port = 0, idleMs = 120_000, random = Math.random }) {
  if (!target || !Number.isInteger(target.port) || target.port <= 0 || target.port > 65535) throw new Error('udp proxy: target.port must be a port number');
  const targetHost = target.host ?? '127.0.0.1';
  let opts = { up: impairmentOptions(up), down: impairmentOptions(down) };
  const clock = () => performance.now();
  /** @type {Map<string, { address: string, port: number, upstream: dgram.Socket, up: any, down: any, lastSeen: number }>} */
  const sessions = new Map();
  let blackout = { from: 0, until: -Infinity };
  const totals = { sessions: 0, up: emptyStats(), down: emptyStats() };
  let stopped = false;

  // Delivery: packets of one direction of one session leave in order (the model never reorders), so each
  // direction is a FIFO with one timer for its head.
  function scheduler(send) {
    const queue = [];
    let timer;
    const run = () => {
      timer = undefined;
      const now = clock();
      while (queue.length && queue[0].at <= now) send(queue.shift().msg);
      // Never early: timers run in whole milliseconds.
      if (queue.length) timer = setTimeout(run, Math.ceil(queue[0].at - now));
    };
    return {
      push(msg, at) {
        queue.push({ msg, at });
        if (queue.length === 1 && !timer) {
          const wait = at - clock();
          if (wait <= 0) run();
          else timer = setTimeout(run, Math.ceil(wait));
        }
      },
      clear() {
        clearTimeout(timer);
        timer = undefined;
        queue.length = 0;
      },
    };
  }

  const listener = dgram.createSocket('udp4');
  await new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.bind(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  listener.on('error', () => {}); // e.g. ICMP port unreachable from a client that left: not fatal

  function session(address, clientPort) {
    const key = `${address}:${clientPort}`;
    let s = sessions.get(key);
    if (s) return s;
    const upstream = dgram.createSocket('udp4');
    upstream.on('error', () => {});
    upstream.bind(0, '127.0.0.1');
    s = {
      address,
      port: clientPort,
      upstream,
      up: createImpairment(opts.up, random),
      down: createImpairment(opts.down, random),
      lastSeen: clock(),
    };
    s.up.blackout(blackout.from, blackout.until);
    s.down.blackout(blackout.from, blackout.until);
    const session_ = s;
    s.upQueue = scheduler((msg) => !stopped && upstream.send(msg, target.port, targetHost));
    s.downQueue = scheduler((msg) => !stopped && listener.send(msg, clientPort, address));
    upstream.on('message', (msg) => {
      session_.lastSeen = clock();
      const at = session_.down.admit(msg.length, clock());
      if (at !== null) session_.downQueue.push(msg, at);
    });
    sessions.set(key, s);
    totals.sessions++;
    return s;
  }

  listener.on('message', (msg, rinfo) => {
    if (stopped) return;
    const s = session(rinfo.address, rinfo.port);
    s.lastSeen = clock();
    const at = s.up.admit(msg.length, clock());
    if (at !== null) s.upQueue.push(msg, at);
  });

  function retire(key, s) {
    sessions.delete(key);
    s.upQueue.clear();
    s.downQueue.clear();
    addStats(totals.up, s.up.stats);
    addStats(totals.down, s.down.stats);
    s.upstream.close();
  }

  const sweeper = setInterval(
    () => {
      const now = clock();
      for (const [key, s] of sessions) if (now - s.lastSeen > idleMs) retire(key, s);
    },
    Math.min(idleMs, 10_000),
  );
  sweeper.unref();

  const address = listener.address();
  return {
    host: address.address,
    port: address.port,
    /** Change the impairment of every client, now and later (`up` and/or `down`, partial options allowed). */
    set(next = {}) {
      opts = { up: impairmentOptions({ ...opts.up, ...(next.up ?? {}) }), down: impairmentOptions({ ...opts.down, ...(next.down ?? {}) }) };
      for (const s of sessions.values()) {
        s.up.set(opts.up);
        s.down.set(opts.down);
      }
    },
    get options() {
      return opts;
    },
    /** Drop everything in both directions for `ms` from now; resolves when it is over. */
    blackout(ms) {
      const from = clock();
      blackout = { from, until: from + ms };
      for (const s of sessions.values()) {
        s.up.blackout(from, from + ms);
        s.down.blackout(from, from + ms);
      }
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    /** Counters summed over all clients, past and present, per direction. */
    stats() {
      const up = { ...totals.up };
      const down = { ...totals.down };
      for (const s of sessions.values()) {
        addStats(up, s.up.stats);
        addStats(down, s.down.stats);
      }
      return { sessions: totals.sessions, active: sessions.size, up, down };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(sweeper);
      for (const [key, s] of [...sessions]) retire(key, s);
      await new Promise((resolve) => listener.close(resolve));
    },
  };
}

function emptyStats() {
  return { packets: 0, bytes: 0, lost: 0, queueDrops: 0, blackoutDrops: 0, delivered: 0, deliveredBytes: 0 };
}

function addStats(into, from) {
  for (const k of Object.keys(into)) into[k] += from[k];
}
