// The impairment model of one direction of an impaired link: random loss, a rate limit (token bucket with a
// bounded queue, i.e. a shaper with tail drop), a fixed delay with jitter, and blackouts. Pure: time is passed
// in (ms), randomness is injectable, so it runs the same in node (the UDP proxy) and in a unit test.
//
//   const m = createImpairment({ delayMs: 25, jitterMs: 5, loss: 0.05, rateBps: 1e6 });
//   const at = m.admit(bytes, now);   // when to deliver this packet (ms, same clock as `now`), or null: dropped
//
// Packets leave in the order they came (jitter never reorders: each departure is at or after the previous one),
// as on a single path; SCTP and SRTP see delay variation, not reordering.

/**
 * @typedef {object} ImpairmentOptions
 * @property {number} [delayMs]   fixed one-way delay added to every packet (default 0)
 * @property {number} [jitterMs]  extra delay, uniform in [0, jitterMs] per packet (default 0)
 * @property {number} [loss]      probability 0…1 that a packet is dropped (default 0)
 * @property {number} [rateBps]   rate limit in bits per second; 0 = unlimited (default 0)
 * @property {number} [burstBytes] token bucket size: bytes that may pass back to back (default 1 MTU-ish: 3000 bytes, at least one packet)
 * @property {number} [queueMs]   longest a packet may wait for the rate limit before it is dropped (default 200 ms of queue)
 */

const DEFAULTS = { delayMs: 0, jitterMs: 0, loss: 0, rateBps: 0, burstBytes: 3000, queueMs: 200 };

/** Checks and completes impairment options; throws a clear error for a bad value. */
export function impairmentOptions(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const check = (name, ok) => {
    if (!(typeof o[name] === 'number' && Number.isFinite(o[name]) && ok(o[name])))
      throw new Error(`impairment: ${name} must be a finite number ${okText[name]}, got ${JSON.stringify(o[name])}`);
  };
  const okText = { delayMs: '≥ 0', jitterMs: '≥ 0', loss: 'in 0…1', rateBps: '≥ 0 (0 = unlimited)', burstBytes: '> 0', queueMs: '≥ 0' };
  check('delayMs', (v) => v >= 0);
  check('jitterMs', (v) => v >= 0);
  check('loss', (v) => v >= 0 && v <= 1);
  check('rateBps', (v) => v >= 0);
  check('burstBytes', (v) => v > 0);
  check('queueMs', (v) => v >= 0);
  return { delayMs: o.delayMs, jitterMs: o.jitterMs, loss: o.loss, rateBps: o.rateBps, burstBytes: o.burstBytes, queueMs: o.queueMs };
}

/**
 * One direction's model. `random` returns numbers in [0, 1) (default Math.random).
 * Returns `{ admit(bytes, now), set(options), blackout(from, until), options, stats }`.
 */
export function createImpairment(options = {}, random = Math.random) {
  let o = impairmentOptions(options);
  // Token bucket as GCRA: `tat` is the theoretical arrival time of the next packet (ms).
  let tat = -Infinity;
  let lastDeparture = -Infinity;
  let blackoutFrom = 0;
  let blackoutUntil = -Infinity;
  const stats = { packets: 0, bytes: 0, lost: 0, queueDrops: 0, blackoutDrops: 0, delivered: 0, deliveredBytes: 0 };

  return {
    get options() {
      return o;
    },
    stats,
    /** New options from now on (what is already scheduled keeps its time). */
    set(next) {
      o = impairmentOptions({ ...o, ...next });
    },
    /** Every packet admitted in [from, until) is dropped, as when a cable is pulled. */
    blackout(from, until) {
      blackoutFrom = from;
      blackoutUntil = until;
    },
    /** When the packet of `bytes` admitted at `now` is delivered, or null when it is dropped. */
    admit(bytes, now) {
      stats.packets++;
      stats.bytes += bytes;
      if (now >= blackoutFrom && now < blackoutUntil) {
        stats.blackoutDrops++;
        return null;
      }
      if (o.loss > 0 && random() < o.loss) {
        stats.lost++;
        return null;
      }
      let leave = now;
      if (o.rateBps > 0) {
        const cost = (bytes * 8 * 1000) / o.rateBps; // ms this packet takes at the rate
        const tolerance = (Math.max(o.burstBytes, bytes) * 8 * 1000) / o.rateBps - cost;
        leave = Math.max(now, tat - tolerance);
        if (leave - now > o.queueMs) {
          stats.queueDrops++;
          return null;
        }
        tat = Math.max(tat, now) + cost;
      }
      const at = Math.max(leave + o.delayMs + (o.jitterMs > 0 ? random() * o.jitterMs : 0), lastDeparture);
      lastDeparture = at;
      stats.delivered++;
      stats.deliveredBytes += bytes;
      return at;
    },
  };
}

/**
 * A path's end-to-end figures → the impairment of each leg a packet crosses. Through a relay, a packet from A to
 * B crosses A's uplink (A → relay) and B's downlink (relay → B): each leg gets a quarter of the RTT, half the
 * jitter, and the loss `q` with (1 − q)² = 1 − loss, so one way A → B sees RTT/2, the jitter and `loss`.
 * `mbps` caps every leg (the path is capped at it in each direction).
 *
 * @param {{ lossPct?: number, rttMs?: number, jitterMs?: number, mbps?: number, queueMs?: number }} path
 */
export function legImpairment({ lossPct = 0, rttMs = 0, jitterMs = 0, mbps = 0, queueMs } = {}) {
  if (!(lossPct >= 0 && lossPct <= 100)) throw new Error(`loss must be 0…100 %, got ${lossPct}`);
  if (!(rttMs >= 0)) throw new Error(`rtt must be ≥ 0 ms, got ${rttMs}`);
  if (!(jitterMs >= 0)) throw new Error(`jitter must be ≥ 0 ms, got ${jitterMs}`);
  if (!(mbps >= 0)) throw new Error(`rate must be ≥ 0 Mbit/s (0 = unlimited), got ${mbps}`);
  const p = lossPct / 100;
  return impairmentOptions({
    delayMs: rttMs / 4,
    jitterMs: jitterMs / 2,
    loss: 1 - Math.sqrt(1 - p),
    rateBps: mbps * 1e6,
    // at least one 1500-byte packet of burst; the queue holds 200 ms (or what was asked)
    burstBytes: 3000,
    ...(queueMs !== undefined ? { queueMs } : {}),
  });
}
