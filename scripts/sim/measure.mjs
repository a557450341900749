// Measures what the UDP impairment proxy does to real UDP traffic on loopback: a sender, the proxy, and a sink
// that (with `echo`) sends every packet back. Used by the proxy's unit test (test/sim-proxy.test.ts through the
// wtr command `sim-measure`) to check measured loss, delay and rate against the configured ones.
import dgram from 'node:dgram';
import { startUdpProxy } from './udp-proxy.mjs';

const bind = (socket) => new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `packets` datagrams of `bytes` through a proxy configured with `up`/`down`, `perTick` packets every
 * `tickMs`. With `blackout: {atMs, ms}` the proxy blacks out once, `atMs` after the first send.
 * Resolves to { sent, received, lossRate, delayMs: {mean, min, p50, p95, max}, mbps, blackoutArrivals, proxy }.
 * Delay is one way (sink arrival − send) without echo, the round trip with echo.
 */
export async function measureProxy({ up = {}, down = {}, packets = 1000, bytes = 1000, perTick = 1, tickMs = 2, echo = false, blackout } = {}) {
  if (!(Number.isInteger(packets) && packets > 0 && packets <= 100_000)) throw new Error('measure: packets must be 1…100000');
  if (!(Number.isInteger(bytes) && bytes >= 16 && bytes <= 60_000)) throw new Error('measure: bytes must be 16…60000');
  const sink = dgram.createSocket('udp4');
  const sender = dgram.createSocket('udp4');
  await Promise.all([bind(sink), bind(sender)]);
  const proxy = await startUdpProxy({ target: { port: sink.address().port }, up, down });
  const sentAt = new Float64Array(packets);
  const arrivals = []; // [seq, time]
  const now = () => performance.now();
  try {
    sink.on('message', (msg, rinfo) => {
      if (echo) sink.send(msg, rinfo.port, rinfo.address);
      else arrivals.push([msg.readUInt32BE(0), now()]);
    });
    if (echo) sender.on('message', (msg) => arrivals.push([msg.readUInt32BE(0), now()]));
    const payload = Buffer.alloc(bytes);
    let blackoutWindow;
    const t0 = now();
    let seq = 0;
    while (seq < packets) {
      if (blackout && !blackoutWindow && now() - t0 >= blackout.atMs) {
        const from = now();
        void proxy.blackout(blackout.ms);
        blackoutWindow = { from, until: from + blackout.ms };
      }
      for (let i = 0; i < perTick && seq < packets; i++, seq++) {
        payload.writeUInt32BE(seq, 0);
        sentAt[seq] = now();
        sender.send(Buffer.from(payload), proxy.port, '127.0.0.1');
      }
      await sleep(tickMs);
    }
    // Let everything in flight land: the longest configured delay, the queue, and some slack.
    const o = proxy.options;
    await sleep(o.up.delayMs + o.up.jitterMs + o.up.queueMs + o.down.delayMs + o.down.jitterMs + o.down.queueMs + 400);
    const delays = arrivals.map(([s, t]) => t - sentAt[s]).sort((a, b) => a - b);
    const pct = (p) => (delays.length ? delays[Math.min(delays.length - 1, Math.ceil(p * delays.length) - 1)] : NaN);
    const times = arrivals.map(([, t]) => t);
    const span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : NaN;
    const inBlackout = blackoutWindow ? arrivals.filter(([s]) => sentAt[s] >= blackoutWindow.from + 1 && sentAt[s] < blackoutWindow.until - 1).length : 0;
    return {
      sent: packets,
      received: arrivals.length,
      lossRate: 1 - arrivals.length / packets,
      delayMs: {
        mean: delays.reduce((a, b) => a + b, 0) / (delays.length || 1),
        min: delays[0] ?? NaN,
        p50: pct(0.5),
        p95: pct(0.95),
        max: delays[delays.length - 1] ?? NaN,
      },
      // bytes received over the time between the first and the last arrival
      mbps: ((arrivals.length - 1) * bytes * 8) / 1e6 / span,
      blackoutArrivals: inBlackout,
      proxy: proxy.stats(),
    };
  } finally {
    await proxy.stop();
    sink.close();
    sender.close();
  }
}
