// The signaling server of server/ as real processes: two nodes sharing a real redis-server (cluster mode) and
// single in-memory nodes. Real browser peers — the kit's service and stock PeerJS 1.5 — register on different
// nodes and talk; ids are unique cluster-wide; a killed node's peers fail over to the other (the kit's
// multi-URL signaling) while their links keep flowing; a dead node's ids come free after their TTL; abuse is
// refused with a plain sentence; `/turn-credentials` works with a real coturn until it expires; /health and
// /metrics answer. Tests that need redis-server or coturn skip with one line outside CI when missing.
import { expect } from '@open-wc/testing';
import { Peer, type DataConnection } from 'peerjs';
import * as v from 'valibot';
import type { ConnectionService } from '../src/core/connection-service.js';
import { isConnectionError } from '../src/core/errors.js';
import { probeIceServer } from '../src/core/ice-probe.js';
import { waitFor } from './harness.js';
import { coturn, stopCoturns } from './coturn.js';
import { destroyClusterServices, rawSocket, serviceOn, startCluster, startNode, stopCluster, type RawSocket, type SignalingNode } from './signaling-nodes.js';

const Chat = v.object({ n: v.number() });

/** Sends `count` numbered chat messages from `a` to `b`, one every `everyMs`; returns what `b` received. */
function chatter(a: ConnectionService, b: ConnectionService) {
  const got: number[] = [];
  b.channel('chat', { schema: Chat }).on((m) => got.push(m.n));
  const out = a.channel('chat', { schema: Chat });
  let n = 0;
  return {
    got,
    send: () => out.send(b.id!, { n: n++ }),
    get sent() {
      return n;
    },
  };
}

function opened(socket: RawSocket): Promise<void> {
  return socket.next('OPEN').then(() => undefined);
}

/** The first message a socket gets: `OPEN`, or the refusal's sentence. */
async function firstWord(socket: RawSocket): Promise<string> {
  await waitFor(() => socket.messages.length > 0, 5_000, 'a first message');
  const m = socket.messages[0]!;
  return m.type === 'OPEN' ? 'OPEN' : String((m.payload as { msg?: string } | undefined)?.msg ?? m.type);
}

async function fetchJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Whether gathering with only `server` and `iceTransportPolicy: 'relay'` produces a relay candidate. */
async function gathersRelay(server: RTCIceServer, ms = 5_000): Promise<{ relay: boolean; errors: number[] }> {
  const pc = new RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
  const errors: number[] = [];
  pc.addEventListener('icecandidateerror', (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode));
  pc.createDataChannel('probe');
  const found = new Promise<boolean>((resolve) => {
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.type === 'relay') resolve(true);
      if (!e.candidate) resolve(false);
    });
    setTimeout(() => resolve(false), ms);
  });
  await pc.setLocalDescription(await pc.createOffer());
  const relay = await found;
  pc.close();
  return { relay, errors };
}

afterEach(() => destroyClusterServices());

describe('signaling cluster: two nodes sharing one Redis', function () {
  this.timeout(40_000);
  // One cluster for these tests (each uses its own ids): starting Redis and two nodes is most of their time.
  let nodes: Promise<SignalingNode[]> | undefined;
  const shared = async (ctx: Mocha.Context) => {
    nodes ??= startCluster(ctx, 2, { EXPIRE_TIMEOUT_MS: '1500' });
    try {
      return await nodes;
    } catch (error) {
      nodes = undefined; // the next test tries (or skips) on its own
      throw error;
    }
  };
  after(async () => {
    nodes = undefined;
    await stopCluster();
  });

  it('kit peers on different nodes connect and chat both ways', async function () {
    const [n1, n2] = await shared(this);
    const a = await serviceOn([n1!.url], n1!.key);
    const b = await serviceOn([n2!.url], n2!.key);
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!), 10_000, 'b sees a');
    const ab = chatter(a, b);
    const ba = chatter(b, a);
    for (let i = 0; i < 5; i++) (ab.send(), ba.send());
    await waitFor(() => ab.got.length === 5 && ba.got.length === 5, 5_000, 'chat both ways');
    expect(ab.got).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('stock PeerJS 1.5 clients on different nodes connect and exchange data', async function () {
    const [n1, n2] = await shared(this);
    const options = (n: typeof n1) => ({ host: '127.0.0.1', port: n!.port, path: '/peerjs', key: n!.key, secure: false, config: { iceServers: [] }, debug: 0 });
    const p1 = new Peer(options(n1));
    const p2 = new Peer(options(n2));
    try {
      const [id1, id2] = await Promise.all([new Promise<string>((r) => p1.on('open', r)), new Promise<string>((r) => p2.on('open', r))]);
      expect(id1).to.match(/^[0-9a-f-]{36}$/); // a server-made UUID (GET /peerjs/<key>/id)
      const received = new Promise<unknown>((resolve) => p2.on('connection', (c: DataConnection) => c.on('data', resolve)));
      const conn = p1.connect(id2, { serialization: 'json' });
      await new Promise<void>((r) => conn.on('open', () => r()));
      conn.send({ hello: 'across nodes' });
      expect(await received).to.deep.equal({ hello: 'across nodes' });
    } finally {
      p1.destroy();
      p2.destroy();
    }
  });

  it('an id taken on one node is refused on the other; the same token reclaims it there (OPEN) and the old socket is replaced', async function () {
    const [n1, n2] = await shared(this);
    const id = `taken-${crypto.randomUUID().slice(0, 8)}`;
    const first = rawSocket(n1!.socketUrl(id, 'token-one'));
    await opened(first);
    const other = rawSocket(n2!.socketUrl(id, 'token-two'));
    expect((await other.next('ID-TAKEN')).payload).to.deep.equal({ msg: 'ID is taken' });
    await other.closed;
    // The kit's own refusal for a taken id.
    const refused = await serviceOn([n2!.url], n2!.key, { peerId: id }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(refused) && refused.code).to.equal('peer-id-taken');
    // A reload: the same id and token, on the other node, while the old socket is still open.
    const again = rawSocket(n2!.socketUrl(id, 'token-one'));
    await opened(again);
    expect((await first.closed).code).to.equal(4000);
    expect((await first.next('ERROR')).payload).to.deep.equal({ msg: 'Replaced by a newer connection with the same id and token' });
  });

  it('relays payloads unchanged across nodes (rendezvous `room`, ICE-restart `ice`), parks messages for a late peer, and EXPIREs the rest', async function () {
    const [n1, n2] = await shared(this);
    const x = rawSocket(n1!.socketUrl('relay-x', 'tx'));
    const y = rawSocket(n2!.socketUrl('relay-y', 'ty'));
    await Promise.all([opened(x), opened(y)]);
    const room = { connectionId: 'c1', room: { q: 'abcdefgh12' } };
    const ice = { connectionId: 'c1', ice: { v: 1, kind: 'offer', sdp: 'v=0…', n: 3 } };
    x.send({ type: 'CANDIDATE', dst: 'relay-y', payload: room, src: 'forged' });
    x.send({ type: 'CANDIDATE', dst: 'relay-y', payload: ice });
    await waitFor(() => y.messages.filter((m) => m.type === 'CANDIDATE').length === 2, 5_000, 'two candidates');
    const [c1, c2] = y.messages.filter((m) => m.type === 'CANDIDATE');
    expect(c1).to.deep.equal({ type: 'CANDIDATE', src: 'relay-x', dst: 'relay-y', payload: room }); // src set by the server
    expect(c2).to.deep.equal({ type: 'CANDIDATE', src: 'relay-x', dst: 'relay-y', payload: ice });
    // A peer that registers late, on the other node, still gets its offer.
    x.send({ type: 'OFFER', dst: 'relay-late', payload: { connectionId: 'c2', sdp: { type: 'offer', sdp: 'v=0' } } });
    await new Promise((r) => setTimeout(r, 300));
    const late = rawSocket(n2!.socketUrl('relay-late', 'tl'));
    expect(await late.next('OFFER')).to.deep.include({ src: 'relay-x', dst: 'relay-late' });
    // One that never comes: EXPIRE, as PeerServer says it.
    y.send({ type: 'OFFER', dst: 'relay-never', payload: { connectionId: 'c3' } });
    expect(await y.next('EXPIRE', 5_000)).to.deep.equal({ type: 'EXPIRE', src: 'relay-never', dst: 'relay-y' });
  });

  it('rendezvous beacons work across nodes (held on one, asked from the other)', async function () {
    const [n1, n2] = await shared(this);
    const a = await serviceOn([n1!.url], n1!.key);
    const b = await serviceOn([n2!.url], n2!.key);
    const beacon = await a.holdBeacon(`beacon-${crypto.randomUUID().slice(0, 8)}`, (from) => ({ hello: from }));
    try {
      expect(await b.askBeacon(beacon.id, 5_000)).to.deep.equal({ hello: b.id });
    } finally {
      beacon.close();
    }
  });
});

describe('signaling cluster: failover, expiry, shutdown, health', function () {
  this.timeout(40_000);
  afterEach(() => stopCluster());

  it('kill -9 a node: its kit peers re-register on the other (multi-URL failover, same id) and their links keep flowing', async function () {
    this.timeout(60_000);
    const [n1, n2] = await startCluster(this);
    const a = await serviceOn([n1!.url, n2!.url], n1!.key);
    const b = await serviceOn([n2!.url, n1!.url], n1!.key);
    const aId = a.id!;
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(aId), 10_000, 'linked');
    const chat = chatter(a, b);
    const pump = setInterval(() => chat.send(), 50);
    try {
      await waitFor(() => chat.got.length >= 5, 5_000, 'chat before the kill');
      const states: string[] = [];
      a.addEventListener('status', () => states.push(a.status));
      await n1!.kill();
      await waitFor(() => states.includes('reconnecting'), 10_000, 'a notices the dead node');
      const atKill = chat.got.length;
      await waitFor(() => a.status === 'open', 15_000, 'a registered again');
      expect(a.id).to.equal(aId);
      await waitFor(() => chat.got.length >= atKill + 20, 10_000, 'the link kept flowing');
    } finally {
      clearInterval(pump);
    }
    const sent = chat.sent;
    await waitFor(() => chat.got.length === sent, 5_000, 'every message arrived');
    expect(chat.got).to.deep.equal([...Array(sent).keys()]); // in order, none lost
    // a is reachable through the surviving node: a new peer there dials it.
    const c = await serviceOn([n2!.url], n2!.key);
    await c.connect(aId);
    expect(c.linkStatus(aId)).to.equal('open');
  });

  it("a dead node's ids: the same token reclaims at once on another node; another token gets it after the TTL", async function () {
    const [n1, n2] = await startCluster(this, 2, { REGISTRATION_TTL_MS: '2000' });
    const mine = rawSocket(n1!.socketUrl('orphan-a', 'ta'));
    const theirs = rawSocket(n1!.socketUrl('orphan-b', 'tb'));
    await Promise.all([opened(mine), opened(theirs)]);
    await n1!.kill();
    await opened(rawSocket(n2!.socketUrl('orphan-a', 'ta')));
    const early = rawSocket(n2!.socketUrl('orphan-b', 'someone-else'));
    await early.next('ID-TAKEN');
    await new Promise((r) => setTimeout(r, 2_500));
    await opened(rawSocket(n2!.socketUrl('orphan-b', 'someone-else')));
  });

  it('graceful shutdown (SIGTERM) tells clients to reconnect; kit peers move to the other node', async function () {
    const [n1, n2] = await startCluster(this);
    const a = await serviceOn([n1!.url, n2!.url], n1!.key);
    const aId = a.id!;
    const raw = rawSocket(n1!.socketUrl('leaving', 'tl'));
    await opened(raw);
    await n1!.stop();
    expect((await raw.closed).code).to.equal(1012);
    expect((await raw.next('ERROR')).payload).to.deep.equal({ msg: 'This signaling server is shutting down: reconnect' });
    await waitFor(() => a.status === 'open' && a.id === aId, 15_000, 'a back on the other node');
    const b = await serviceOn([n2!.url], n2!.key);
    await b.connect(aId);
    expect(b.linkStatus(aId)).to.equal('open');
  });

  it('/health and /metrics answer (registry, Redis, clients, relayed messages)', async function () {
    const [n1] = await startCluster(this);
    const a = await serviceOn([n1!.url], n1!.key);
    const health = await fetchJson(`${n1!.origin}/health`);
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.include({ status: 'ok', node: n1!.nodeId, registry: 'redis', redis: 'up', clients: 1 });
    const metrics = await (await fetch(`${n1!.origin}/metrics`)).text();
    expect(metrics).to.match(new RegExp(`^signaling_clients\\{node="${n1!.nodeId}"\\} 1$`, 'm'));
    expect(metrics).to.match(/^signaling_redis_up\{[^}]*\} 1$/m);
    expect(metrics).to.match(/^signaling_registrations_total\{[^}]*result="new"[^}]*\} 1$/m);
    expect(metrics).to.include('process_resident_memory_bytes');
    expect(a.status).to.equal('open');
  });
});

describe('signaling server: one in-memory node', function () {
  this.timeout(30_000);
  afterEach(() => stopCluster());

  it('runs without Redis: kit peers register and connect; a second URL is tried when the first is down', async function () {
    const n = await startNode(this, { PEERJS_KEY: 'memkey' });
    const health = await fetchJson(`${n.origin}/health`);
    expect(health.body).to.deep.include({ status: 'ok', registry: 'memory' });
    // Port 1 refuses at once: open() moves on to the next URL.
    const a = await serviceOn(['http://127.0.0.1:1/peerjs', n.url], 'memkey');
    const b = await serviceOn([n.url], 'memkey');
    await a.connect(b.id!);
    expect(a.linkStatus(b.id!)).to.equal('open');
    const refused = await serviceOn([n.url], 'wrong-key').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(refused) && refused.code).to.equal('invalid-config');
  });

  it('refuses abuse with plain errors: oversized messages, message floods, too many sockets, connection churn', async function () {
    const n = await startNode(this, {
      MAX_PAYLOAD_BYTES: '1024',
      MESSAGES_PER_SECOND: '5',
      MESSAGE_BURST: '10',
      MAX_CONNECTIONS_PER_IP: '3',
    });
    const big = rawSocket(n.socketUrl('big', 't'));
    await opened(big);
    big.send({ type: 'OFFER', dst: 'someone', payload: { sdp: 'x'.repeat(2_000) } });
    expect((await big.next('ERROR')).payload).to.deep.equal({ msg: 'Message too large: 2053 bytes (at most 1024)' });
    expect((await big.closed).code).to.equal(1009);

    const flood = rawSocket(n.socketUrl('flood', 't'));
    await opened(flood);
    for (let i = 0; i < 30; i++) flood.send({ type: 'HEARTBEAT' });
    expect((await flood.next('ERROR')).payload).to.deep.equal({ msg: 'Too many messages: at most 5 per second (bursts of 10)' });
    expect((await flood.closed).code).to.equal(1008);

    // Per address, over all its sockets: two sockets within their own rate, together beyond the address's.
    const perIp = await startNode(this, { MESSAGES_PER_IP_PER_SECOND: '5', MESSAGE_BURST_PER_IP: '12' });
    const pair = [rawSocket(perIp.socketUrl('ip1', 't')), rawSocket(perIp.socketUrl('ip2', 't'))];
    await Promise.all(pair.map(opened));
    for (let i = 0; i < 8; i++) pair.forEach((p) => p.send({ type: 'HEARTBEAT' }));
    await waitFor(() => pair.some((p) => p.messages.some((m) => m.type === 'ERROR')), 5_000, 'an address-wide refusal');
    const refusedPair = pair.flatMap((p) => p.messages).find((m) => m.type === 'ERROR')!;
    expect(refusedPair.payload).to.deep.equal({ msg: 'Too many messages from your address: at most 5 per second (bursts of 12) over all its connections' });

    const held = [rawSocket(n.socketUrl('s1', 't')), rawSocket(n.socketUrl('s2', 't')), rawSocket(n.socketUrl('s3', 't'))];
    await Promise.all(held.map(opened));
    const fourth = rawSocket(n.socketUrl('s4', 't'));
    expect((await fourth.next('ERROR')).payload).to.deep.equal({ msg: 'Too many connections from your address (at most 3 at once)' });
    expect((await fourth.closed).code).to.equal(1013);
    // The kit says why it cannot register.
    const refused = await serviceOn([n.url], n.key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(refused) && refused.message).to.include('Too many connections from your address');
    held.forEach((s) => s.ws.close());

    const churn = await startNode(this, { CONNECTIONS_PER_IP_PER_MINUTE: '4' });
    const refusals: string[] = [];
    for (let i = 0; i < 12; i++) {
      const s = rawSocket(churn.socketUrl(`c${i}`, 't'));
      const first = await firstWord(s);
      if (first !== 'OPEN') refusals.push(first);
      s.ws.close();
    }
    expect(refusals).to.have.length(2); // a burst of 10, then 4 a minute
    expect(refusals[0]).to.equal('Too many new connections from your address (at most 4 per minute): wait and retry');
  });

  it('keeps to its origin allow-list (sockets and credentials) and protects /metrics with a token', async function () {
    const n = await startNode(this, {
      ALLOWED_ORIGINS: 'https://elsewhere.example',
      METRICS_TOKEN: 'metrics-secret-1',
      TURN_SECRET: 'a-long-enough-secret',
      TURN_URLS: 'turn:127.0.0.1:3478',
    });
    const s = rawSocket(n.socketUrl('foreign', 't'));
    expect((await s.next('ERROR')).payload).to.deep.equal({ msg: `Origin ${location.origin} is not allowed on this signaling server` });
    expect((await s.closed).code).to.equal(1008);
    let corsRefused = false;
    await fetch(`${n.origin}/turn-credentials`).catch(() => (corsRefused = true));
    expect(corsRefused, 'no CORS answer for a foreign origin').to.equal(true);
    const allowed = await startNode(this, { ALLOWED_ORIGINS: `https://elsewhere.example ${location.origin}`, METRICS_TOKEN: 'metrics-secret-1' });
    await opened(rawSocket(allowed.socketUrl('local', 't')));
    expect((await fetch(`${allowed.origin}/metrics`)).status).to.equal(401);
    const ok = await fetch(`${allowed.origin}/metrics`, { headers: { Authorization: 'Bearer metrics-secret-1' } });
    expect(ok.status).to.equal(200);
    expect(await ok.text()).to.include('signaling_clients');
  });
});

describe('/turn-credentials with a real coturn', function () {
  this.timeout(30_000);
  afterEach(async () => {
    await stopCoturns();
    await stopCluster();
  });

  it('hands out coturn REST credentials that allocate a relay, for several coturns, until they expire; rate limited', async function () {
    const turn = await coturn(this);
    const urls = [`turn:127.0.0.1:${turn.port}?transport=udp`, `turn:127.0.0.1:${turn.port}?transport=tcp`];
    const n = await startNode(this, { TURN_SECRET: turn.secret, TURN_URLS: urls.join(' '), TURN_TTL_S: '2', TURN_CREDENTIALS_PER_IP_PER_MINUTE: '3' });
    const { status, body } = await fetchJson(`${n.origin}/turn-credentials?user=tester`);
    expect(status).to.equal(200);
    expect(body).to.have.keys(['username', 'credential', 'ttl', 'urls']);
    expect(body.ttl).to.equal(2);
    expect(body.urls).to.deep.equal(urls);
    expect(body.username).to.match(/^\d{10}:tester$/);
    const server = { urls: body.urls as string[], username: body.username as string, credential: body.credential as string };
    // The kit takes them as its ice-credentials-url, and a relay-only gathering gets a relay candidate.
    const kit = await serviceOn([n.url], n.key, { iceCredentials: `${n.origin}/turn-credentials`, icePreset: 'relay' });
    expect(JSON.stringify(kit.iceConfiguration.iceServers)).to.include(`127.0.0.1:${turn.port}`);
    kit.destroy();
    expect((await gathersRelay(server)).relay).to.equal(true);
    const probed = await probeIceServer({ ...server, urls: urls[0]! });
    expect(probed[0]).to.deep.include({ ok: true, needed: 'relay' });
    // Past their expiry coturn refuses them (401).
    await new Promise((r) => setTimeout(r, 3_200));
    const late = await gathersRelay(server, 3_000);
    expect(late.relay).to.equal(false);
    expect(late.errors).to.include(401);
    // Three a minute from one address (a burst of 3): the kit took one or two, this test one; soon one is refused.
    let limited = await fetchJson(`${n.origin}/turn-credentials`);
    for (let i = 0; i < 3 && limited.status === 200; i++) limited = await fetchJson(`${n.origin}/turn-credentials`);
    expect(limited.status).to.equal(429);
    expect(limited.body.error).to.equal('Too many credential requests from your address (at most 3 per minute)');
  });
});
