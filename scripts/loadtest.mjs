#!/usr/bin/env node
// `npm run loadtest`: a bounded load test of the signaling server (server/), on loopback only.
//
// It starts a redis-server and two signaling nodes itself (or uses the nodes given with --nodes), opens N
// WebSocket clients spread over the nodes (and over source addresses 127.0.0.2–254, so per-address limits see
// many users), registers them, then runs offer → answer → 3 candidates exchanges between random pairs for a
// fixed duration and count, optionally holds every connection a while (heartbeating), and prints one JSON object:
// connections held, relay latency p50/p95 for pairs on the same node and on different nodes, memory per
// connection on each node (from its /metrics), and errors.
//
//   npm run loadtest -- [--clients N] [--duration S] [--exchanges N] [--hold S] [--concurrency N]
//                       [--nodes URL,URL --key K]
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { redisMissing, startRedis } from './redis.mjs';
import { nodeMissing, startNode } from './signaling-node.mjs';

const USAGE = `Usage: npm run loadtest -- [options]
  --clients N       WebSocket clients, spread over the nodes (default 200, at most 20000)
  --duration S      length of the exchange phase in seconds (default 5, at most 600)
  --exchanges N     stop the exchange phase after N exchanges (default 5000)
  --hold S          then hold every connection S seconds, heartbeating, counting drops (default 0, at most 600)
  --concurrency N   exchanges in flight at once (default 10)
  --nodes URLs      use these running nodes (http://127.0.0.1:PORT/peerjs, comma-separated, loopback only)
                    instead of starting a redis-server and two nodes
  --key K           their PeerServer key (with --nodes; default peerjs)`;

const SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=x-load:0123456789abcdef0123456789abcdef\r\n'.repeat(24)}`;
const CANDIDATES_PER_EXCHANGE = 3;
const EXCHANGE_TIMEOUT_MS = 5_000;
const HEARTBEAT_MS = 5_000;

class UsageError extends Error {}

export function parseArgs(argv) {
  const opts = { clients: 200, duration: 5, exchanges: 5_000, hold: 0, concurrency: 10, nodes: undefined, key: 'peerjs' };
  const int = (flag, value, min, max) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} "${value}": expected a whole number ${min}..${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--clients') opts.clients = int(flag, value(), 2, 20_000);
    else if (flag === '--duration') opts.duration = int(flag, value(), 1, 600);
    else if (flag === '--exchanges') opts.exchanges = int(flag, value(), 1, 10_000_000);
    else if (flag === '--hold') opts.hold = int(flag, value(), 0, 600);
    else if (flag === '--concurrency') opts.concurrency = int(flag, value(), 1, 10_000);
    else if (flag === '--nodes')
      opts.nodes = String(value() ?? '')
        .split(/[\s,]+/)
        .filter(Boolean);
    else if (flag === '--key') opts.key = String(value() ?? '');
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else throw new UsageError(`Unknown option "${argv[i]}"`);
  }
  if (opts.nodes && opts.nodes.length === 0) throw new UsageError('--nodes needs at least one URL');
  return opts;
}

/** Refuses any target that is not on this machine's loopback. */
async function assertLoopback(url) {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  const loopback = (a) => /^127\./.test(a) || a === '::1' || /^::ffff:127\./i.test(a);
  if (!addresses.length || !addresses.every(loopback)) throw new UsageError(`${url}: the load test only targets loopback addresses (127.0.0.0/8, ::1)`);
}

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (n, digits = 2) => (n === null || n === undefined ? null : Math.round(n * 10 ** digits) / 10 ** digits);

/** A few numbers of a node's /metrics. */
async function nodeMemory(origin) {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const read = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: read('process_resident_memory_bytes'), heap: read('nodejs_heap_size_used_bytes') };
}

/** One PeerJS-protocol client. */
class LoadClient {
  constructor(node, index, key, errors, onMessage) {
    this.node = node;
    this.id = `load-${index}-${randomUUID().slice(0, 8)}`;
    this.token = randomUUID();
    this.errors = errors;
    this.onMessage = onMessage;
    this.open = false;
    this.closedUnexpectedly = false;
    const base = node.url.replace(/^http/, 'ws').replace(/\/?$/, '/');
    const localAddress = /^ws:\/\/127\./.test(base) ? `127.0.0.${2 + (index % 253)}` : undefined;
    this.url = `${base}peerjs?key=${encodeURIComponent(key)}&id=${this.id}&token=${this.token}`;
    this.localAddress = localAddress;
  }

  connect(timeoutMs = 10_000) {
    return new Promise((resolve) => {
      const ws = new WebSocket(this.url, { localAddress: this.localAddress, perMessageDeflate: false });
      this.ws = ws;
      const timer = setTimeout(() => {
        this.errors.register++;
        ws.terminate();
        resolve(false);
      }, timeoutMs);
      ws.on('message', (data) => {
        let m;
        try {
          m = JSON.parse(data.toString());
        } catch {
          return;
        }
        if (m.type === 'OPEN') {
          clearTimeout(timer);
          this.open = true;
          this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_MS);
          resolve(true);
        } else if (m.type === 'ERROR' || m.type === 'ID-TAKEN') {
          this.errors.server++;
          this.errors.lastServerError = m.payload?.msg ?? m.type;
        } else this.onMessage(this, m);
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        clearTimeout(timer);
        clearInterval(this.heartbeat);
        if (this.open && !this.closing) {
          this.closedUnexpectedly = true;
          this.errors.closed++;
        }
        if (!this.open) {
          this.errors.register++;
          resolve(false);
        }
        this.open = false;
      });
    });
  }

  send(message) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  close() {
    this.closing = true;
    clearInterval(this.heartbeat);
    this.ws?.close();
  }
}

/**
 * Runs the load test; resolves with the result object. `log` gets progress lines (stderr in the CLI).
 * Starts (and stops) a redis-server and two nodes unless `opts.nodes` names running ones.
 */
export async function runLoadtest(opts, log = () => undefined) {
  const started = [];
  let redis;
  let nodes;
  let key = opts.key;
  try {
    if (opts.nodes) {
      for (const url of opts.nodes) await assertLoopback(url);
      nodes = opts.nodes.map((url, i) => ({ nodeId: `given-${i + 1}`, url, origin: new URL(url).origin }));
    } else {
      const missing = redisMissing() ?? nodeMissing();
      if (missing) throw new Error(missing);
      redis = await startRedis();
      key = `load${randomUUID().slice(0, 8)}`;
      const env = { REDIS_URL: redis.url, PEERJS_KEY: key, MAX_CONNECTIONS: String(opts.clients + 100) };
      for (let i = 1; i <= 2; i++) {
        const n = await startNode({ ...env, NODE_ID: `load-n${i}` });
        started.push(n);
      }
      nodes = started;
      log(`redis-server on ${redis.url}; nodes ${nodes.map((n) => n.url).join(', ')}`);
    }

    const errors = { register: 0, closed: 0, server: 0, timeout: 0, lastServerError: undefined };
    const latency = { same: [], cross: [] };
    const pending = new Map();
    const nodeOf = new Map();
    const onMessage = (client, m) => {
      const t = m.payload?.t;
      if (typeof t !== 'number') return;
      const ms = performance.now() - t;
      const src = nodeOf.get(m.src);
      (src === client.node ? latency.same : latency.cross).push(ms);
      const ex = pending.get(m.payload.connectionId);
      if (!ex) return;
      if (m.type === 'OFFER')
        ex.b.send({ type: 'ANSWER', dst: ex.a.id, payload: { connectionId: ex.id, sdp: { type: 'answer', sdp: SDP }, t: performance.now() } });
      else if (m.type === 'ANSWER') {
        for (let i = 0; i < CANDIDATES_PER_EXCHANGE; i++) {
          ex.a.send({
            type: 'CANDIDATE',
            dst: ex.b.id,
            payload: {
              connectionId: ex.id,
              candidate: { candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${50000 + i} typ host`, sdpMid: '0' },
              t: performance.now(),
            },
          });
        }
      } else if (m.type === 'CANDIDATE' && ++ex.candidates === CANDIDATES_PER_EXCHANGE) ex.done();
    };

    // Register: a hundred connects in flight at a time.
    const before = await Promise.all(nodes.map((n) => nodeMemory(n.origin).catch(() => undefined)));
    const clients = Array.from({ length: opts.clients }, (_, i) => new LoadClient(nodes[i % nodes.length], i, key, errors, onMessage));
    for (const c of clients) nodeOf.set(c.id, c.node);
    const t0 = performance.now();
    for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.connect()));
    const registered = clients.filter((c) => c.open);
    log(`${registered.length}/${clients.length} clients registered in ${Math.round(performance.now() - t0)} ms`);
    await new Promise((r) => setTimeout(r, 500));
    const after = await Promise.all(nodes.map((n) => nodeMemory(n.origin).catch(() => undefined)));

    // Exchanges between random registered pairs, `concurrency` at a time, until the duration or the count is reached.
    let completed = 0;
    let failed = 0;
    let startedExchanges = 0;
    const deadline = performance.now() + opts.duration * 1000;
    const exchange = () =>
      new Promise((resolve) => {
        const a = registered[Math.floor(Math.random() * registered.length)];
        let b = a;
        while (b === a) b = registered[Math.floor(Math.random() * registered.length)];
        const id = randomUUID();
        const timer = setTimeout(() => {
          pending.delete(id);
          failed++;
          errors.timeout++;
          resolve();
        }, EXCHANGE_TIMEOUT_MS);
        pending.set(id, {
          id,
          a,
          b,
          candidates: 0,
          done: () => {
            clearTimeout(timer);
            pending.delete(id);
            completed++;
            resolve();
          },
        });
        a.send({
          type: 'OFFER',
          dst: b.id,
          payload: { connectionId: id, type: 'data', serialization: 'raw', sdp: { type: 'offer', sdp: SDP }, t: performance.now() },
        });
      });
    const worker = async () => {
      while (performance.now() < deadline && startedExchanges < opts.exchanges && registered.length > 1) {
        startedExchanges++;
        await exchange();
      }
    };
    const tx = performance.now();
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.exchanges) }, worker));
    const exchangeSeconds = (performance.now() - tx) / 1000;
    log(`${completed} exchanges in ${exchangeSeconds.toFixed(1)} s (${failed} failed)`);

    if (opts.hold > 0) {
      log(`holding ${registered.length} connections for ${opts.hold} s…`);
      await new Promise((r) => setTimeout(r, opts.hold * 1000));
    }
    const held = clients.filter((c) => c.open).length;
    const perNode = nodes.map((n) => clients.filter((c) => c.open && c.node === n).length);
    const memory = nodes.map((n, i) => {
      const count = clients.filter((c) => c.node === n && !c.closedUnexpectedly).length || 1;
      const b = before[i];
      const a = after[i];
      return {
        node: n.nodeId,
        rss_kb_per_connection: a && b ? round((a.rss - b.rss) / count / 1024) : null,
        heap_kb_per_connection: a && b ? round((a.heap - b.heap) / count / 1024) : null,
      };
    });
    for (const c of clients) c.close();
    await new Promise((r) => setTimeout(r, 200));

    const messages = latency.same.length + latency.cross.length;
    const errorCount = errors.register + errors.closed + errors.server + errors.timeout;
    const operations = clients.length + startedExchanges;
    return {
      nodes: nodes.length,
      clients: clients.length,
      registered: registered.length,
      held,
      clients_per_node: perNode,
      exchanges: { completed, failed, seconds: round(exchangeSeconds), per_second: round(completed / exchangeSeconds, 1) },
      relayed_messages: messages,
      relay_ms: {
        same_node: { p50: round(percentile(latency.same, 50)), p95: round(percentile(latency.same, 95)), count: latency.same.length },
        cross_node: { p50: round(percentile(latency.cross, 50)), p95: round(percentile(latency.cross, 95)), count: latency.cross.length },
      },
      memory_per_connection: memory,
      hold_s: opts.hold,
      errors: { ...errors, lastServerError: errors.lastServerError ?? null, total: errorCount },
      error_rate: round(errorCount / Math.max(1, operations), 6),
    };
  } finally {
    await Promise.all(started.map((n) => n.stop(5_000)));
    await redis?.stop();
  }
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(error.message);
    console.error(USAGE);
    process.exit(error.message ? 1 : 0);
  }
  try {
    const result = await runLoadtest(opts, (line) => console.error(`[loadtest] ${line}`));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exit(result.errors.total > 0 ? 1 : 0);
  } catch (error) {
    console.error(`loadtest failed: ${error instanceof UsageError ? error.message : (error?.stack ?? error)}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
