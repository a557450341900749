import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { ConnectionService } from './connection-service.js';
import { isConnectionError, type DarkswapConnectionError } from './errors.js';
import type { MessageRejectedEvent, ServiceStatusEvent } from './events.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { destroyServices, linkedPair, rawSend, nextEvent, openService, signalingConfig, uniqueId, waitFor } from '../../test/harness.js';

const Chat = v.object({ text: v.pipe(v.string(), v.maxLength(100)) });
const Tick = v.object({ n: v.pipe(v.number(), v.integer()) });

async function rejection(p: Promise<unknown>): Promise<DarkswapConnectionError> {
  try {
    await p;
  } catch (e) {
    if (isConnectionError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('ConnectionService (real PeerServer, real WebRTC)', () => {
  afterEach(destroyServices);

  it('starts idle, reports connecting then open as events, and is readable synchronously', async () => {
    const service = new ConnectionService(await signalingConfig());
    expect(service.status).to.equal('idle');
    const seen: string[] = [];
    service.addEventListener('status', (e: ServiceStatusEvent) => seen.push(e.status));
    const opening = service.open();
    expect(service.status).to.equal('connecting');
    const id = await opening;
    expect(service.status).to.equal('open');
    expect(service.id).to.equal(id);
    expect(seen).to.deep.equal(['connecting', 'open']);
    service.destroy();
    expect(service.status).to.equal('closed');
    expect(seen.at(-1)).to.equal('closed');
  });

  it('uses a fresh CSPRNG session token and no public ICE servers by default', async () => {
    const a = new ConnectionService(await signalingConfig({ iceServers: undefined }));
    const b = new ConnectionService(await signalingConfig());
    expect(a.config.token).to.match(/^[0-9a-f]{32}$/);
    expect(a.config.token).to.not.equal(b.config.token);
    expect(a.config.iceServers).to.deep.equal([]);
  });

  it('refuses a config without a signaling host instead of falling back to a public cloud', () => {
    expect(() => new ConnectionService({ host: '' })).to.throw(/signaling host is required/);
  });

  it('connects two services and exchanges messages on two channels without crosstalk', async () => {
    const [a, b] = await linkedPair();
    expect(a.peers).to.deep.equal([b.id]);
    expect(b.peers).to.deep.equal([a.id]);
    const chatA = a.channel('chat', { schema: Chat });
    const tickA = a.channel('tick', { schema: Tick });
    const chatB = b.channel('chat', { schema: Chat });
    const tickB = b.channel('tick', { schema: Tick });
    const gotChat: Array<[string, string]> = [];
    const gotTick: number[] = [];
    chatB.on((m, from) => gotChat.push([m.text, from]));
    tickB.on((m) => gotTick.push(m.n));
    const back: string[] = [];
    chatA.on((m) => back.push(m.text));
    for (let i = 0; i < 5; i++) {
      chatA.send(b.id!, { text: `hello ${i}` });
      tickA.send(b.id!, { n: i });
    }
    chatB.broadcast({ text: 'reply' });
    await waitFor(() => gotChat.length === 5 && gotTick.length === 5 && back.length === 1, 10_000, 'messages');
    expect(gotChat.map(([t]) => t)).to.deep.equal([0, 1, 2, 3, 4].map((i) => `hello ${i}`));
    expect(gotChat.every(([, from]) => from === a.id)).to.equal(true);
    expect(gotTick).to.deep.equal([0, 1, 2, 3, 4]);
    expect(back).to.deep.equal(['reply']);
    expect(b.rejects(a.id!).total).to.equal(0);
  });

  it('rejects and counts invalid, oversized, malformed and unknown-channel messages from a peer', async () => {
    const [a, b] = await linkedPair();
    const small = b.channel('small', { schema: Chat, maxBytes: 64 });
    const received: string[] = [];
    small.on((m) => received.push(m.text));
    const rejected: MessageRejectedEvent[] = [];
    b.addEventListener('message-rejected', (e: MessageRejectedEvent) => rejected.push(e));
    // A hostile peer bypasses its own checks by writing raw frames on the link.
    const raw = (frame: string) => rawSend(a, b.id!, frame);
    raw('small\n{"text": 42}'); // schema
    raw(`small\n${JSON.stringify({ text: 'x'.repeat(90) })}`); // > 64 bytes
    raw('small\n{not json'); // bad json
    raw('nochannel\n{"text":"hi"}'); // unknown channel
    raw('no newline at all'); // malformed
    raw('small\n{"text":"fine"}'); // the one good message
    await waitFor(() => rejected.length === 5 && received.length === 1, 10_000, 'rejects');
    expect(received).to.deep.equal(['fine']);
    expect(rejected.map((e) => e.reason)).to.deep.equal(['invalid', 'too-large', 'bad-json', 'unknown-channel', 'malformed-frame']);
    const counts = b.rejects(a.id!);
    expect(counts.total).to.equal(5);
    expect(counts.byReason).to.deep.equal({ invalid: 1, 'too-large': 1, 'bad-json': 1, 'unknown-channel': 1, 'malformed-frame': 1 });
    expect(rejected.at(-1)!.count).to.equal(5);
    expect(b.peers).to.include(a.id); // rejects never close an honest link by themselves
  });

  it('checks outgoing messages too: schema and size errors are thrown to the caller, nothing is sent', async () => {
    const [a, b] = await linkedPair();
    const ch = a.channel('small', { schema: Chat, maxBytes: 32 });
    expect(() => ch.send(b.id!, { text: 5 } as unknown as { text: string })).to.throw(/does not match its schema/);
    expect(() => ch.send(b.id!, { text: 'y'.repeat(60) })).to.throw(/limit is 32/);
  });

  it('refuses at send time a message bigger than the byte burst the peer announced (it could never be delivered)', async () => {
    const [a, b] = await linkedPair({}, { limits: { byteBurst: 10_000 } });
    const Big = v.object({ text: v.string() });
    const ch = a.channel('big', { schema: Big, maxBytes: 100_000 });
    const got: string[] = [];
    b.channel('big', { schema: Big, maxBytes: 100_000 }).on((m) => got.push(m.text));
    expect(() => ch.send(b.id!, { text: 'z'.repeat(20_000) })).to.throw(/byte burst/);
    ch.send(b.id!, { text: 'fits' });
    await waitFor(() => got.length === 1, 5_000, 'the message that fits');
    expect(got).to.deep.equal(['fits']);
  });

  it('reports a taken peer id clearly', async () => {
    const id = uniqueId('taken');
    await openService({ peerId: id });
    const second = new ConnectionService(await signalingConfig({ peerId: id }));
    const errors: string[] = [];
    second.addEventListener('error', (e) => errors.push((e as unknown as { error: DarkswapConnectionError }).error.code));
    const error = await rejection(second.open());
    expect(error.code).to.equal('peer-id-taken');
    expect(error.message).to.contain(id);
    expect(second.status).to.equal('error');
    expect(errors).to.deep.equal(['peer-id-taken']);
    second.destroy();
  });

  it('reports unreachable signaling (nothing listening) with the address it tried', async () => {
    const s = await signalingConfig();
    // Port 9 (discard) on loopback: nothing listens there.
    const service = new ConnectionService({ ...s, port: 9, openTimeoutMs: 5_000 });
    const error = await rejection(service.open());
    expect(error.code).to.equal('signaling-unreachable');
    expect(error.message).to.contain('127.0.0.1:9');
    expect(service.status).to.equal('error');
    service.destroy();
  });

  it('reports unreachable signaling also when a peer id is given (websocket path)', async () => {
    const s = await signalingConfig();
    const service = new ConnectionService({ ...s, port: 9, peerId: uniqueId('x'), openTimeoutMs: 5_000 });
    const error = await rejection(service.open());
    expect(error.code).to.equal('signaling-unreachable');
    service.destroy();
  });

  it('reports a wrong PeerServer key as a configuration error, not as an unreachable server', async () => {
    const service = new ConnectionService(await signalingConfig({ key: 'not-the-key' }));
    const error = await rejection(service.open());
    expect(error.code).to.equal('invalid-config');
    expect(error.message).to.match(/refused this client: Invalid key/);
    service.destroy();
  });

  it('rejects connect() to an unknown peer with unknown-peer', async () => {
    const a = await openService();
    const error = await rejection(a.connect(uniqueId('ghost')));
    expect(error.code).to.equal('unknown-peer');
    expect(a.linkStatus('ghost')).to.equal(undefined);
    expect(a.status).to.equal('open');
  });

  it('throws unknown-peer / link-closed for sends to peers without an open link', async () => {
    const [a, b] = await linkedPair();
    const ch = a.channel('chat', { schema: Chat });
    expect(() => ch.send('nobody', { text: 'x' })).to.throw(/Not connected to peer nobody/);
    const closed = nextEvent(b, 'peer-disconnected');
    a.disconnect(b.id!);
    await closed;
    expect(a.peers).to.deep.equal([]);
    expect(b.peers).to.deep.equal([]);
    let code = '';
    try {
      ch.send(b.id!, { text: 'after close' });
    } catch (e) {
      code = (e as DarkswapConnectionError).code;
    }
    expect(code).to.equal('unknown-peer');
  });

  it('emits peer-connected and peer-disconnected on both sides', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const connected = nextEvent(b, 'peer-connected');
    await a.connect(b.id!);
    expect(((await connected) as unknown as { peer: string }).peer).to.equal(a.id);
    const gone = nextEvent(a, 'peer-disconnected');
    const bId = b.id;
    b.destroy();
    expect(((await gone) as unknown as { peer: string }).peer).to.equal(bId);
    expect(a.peers).to.deep.equal([]);
  });

  // Was flaky (≈1 in 20) before links had a hello handshake and acknowledged delivery.
  it('dials again when the first connection closes while it is being set up: connect() still resolves', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const connecting = a.connect(b.id!);
    const first = a.peerConnection(b.id!)!;
    first.close(); // what a connection that dies during set-up looks like to the dialer
    await connecting;
    expect(a.linkStatus(b.id!)).to.equal('open');
    expect(a.peerConnection(b.id!)).to.not.equal(first);
    await waitFor(() => b.peers.includes(a.id!), 5_000, 'b sees the link');
  });

  it('settles simultaneous dials from both sides on a single link', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    await Promise.all([a.connect(b.id!), b.connect(a.id!)]);
    await waitFor(() => a.peers.length === 1 && b.peers.length === 1, 10_000, 'one link each');
    const chA = a.channel('chat', { schema: Chat });
    const chB = b.channel('chat', { schema: Chat });
    const got: string[] = [];
    chB.on((m) => got.push(m.text));
    chA.send(b.id!, { text: 'after race' });
    await waitFor(() => got.length === 1, 5_000, 'message after race');
    expect(got).to.deep.equal(['after race']);
  });

  it('keeps links working while signaling is down, then re-registers with the same id', async function () {
    this.timeout(60_000);
    const [a, b] = await linkedPair();
    const idA = a.id!;
    const chA = a.channel('chat', { schema: Chat });
    const got: string[] = [];
    b.channel('chat', { schema: Chat }).on((m) => got.push(m.text));
    const seen: string[] = [];
    a.addEventListener('status', (e: ServiceStatusEvent) => seen.push(e.status));
    await executeServerCommand('signaling-stop');
    try {
      await waitFor(() => a.status === 'reconnecting', 10_000, 'reconnecting');
      chA.send(b.id!, { text: 'while signaling is down' });
      await waitFor(() => got.length === 1, 5_000, 'message over the existing link');
      expect(a.id).to.equal(idA);
    } finally {
      await executeServerCommand('signaling-start');
    }
    await waitFor(() => a.status === 'open' && b.status === 'open', 40_000, 'both re-registered');
    expect(a.id).to.equal(idA);
    expect(seen).to.deep.equal(['reconnecting', 'open']);
    const c = await openService();
    await c.connect(idA);
    await waitFor(() => a.peers.includes(c.id!), 5_000, 'new link on A');
    expect(a.peers).to.include.members([b.id, c.id]); // the old link survived the whole outage
  });
});
