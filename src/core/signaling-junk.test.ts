/**
 * Junk relayed by the signaling server (issue 20, class 5) and offer floods (class 6): a hostile client
 * speaks the PeerServer protocol on a raw WebSocket and sends the victim candidates for connections that
 * do not exist, media offers, offers in foreign serializations, unknown types and bursts of offers.
 * Everything is dropped and counted before PeerJS sees it: no uncaught error, no held message lists, no
 * peer connection built, and an honest peer still connects.
 */
import { expect } from '@open-wc/testing';
import type { PeerRefusedEvent } from './events.js';
import { createSessionToken } from './config.js';
import { destroyServices, openService, signaling, uniqueId, waitFor } from '../../test/harness.js';

interface RawClient {
  id: string;
  send(message: object): void;
  close(): void;
}

const sockets: WebSocket[] = [];

/** A client registered with the real PeerServer over a bare WebSocket (no PeerJS, no peer connections). */
async function rawClient(): Promise<RawClient> {
  const s = await signaling();
  const id = uniqueId('junk');
  const path = s.path.endsWith('/') ? s.path : `${s.path}/`;
  const ws = new WebSocket(`ws://${s.host}:${s.port}${path}peerjs?key=${s.key}&id=${id}&token=${createSessionToken()}`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.onmessage = (e) => {
      if ((JSON.parse(String(e.data)) as { type: string }).type === 'OPEN') resolve();
    };
    ws.onerror = () => reject(new Error('raw signaling client: socket error'));
  });
  return { id, send: (m) => ws.send(JSON.stringify(m)), close: () => ws.close() };
}

/** A real data-channel offer SDP (so an admitted offer is a valid one). */
async function realOfferSdp(): Promise<RTCSessionDescriptionInit> {
  const pc = new RTCPeerConnection();
  pc.createDataChannel('x');
  const offer = await pc.createOffer();
  pc.close();
  return { type: offer.type, sdp: offer.sdp };
}

/** Counts RTCPeerConnection constructions in this page until restored. */
function countPeerConnections(): { made: () => number; restore: () => void } {
  const Original = window.RTCPeerConnection;
  let made = 0;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      made++;
    }
  };
  return { made: () => made, restore: () => (window.RTCPeerConnection = Original) };
}

/** PeerJS's own bookkeeping, reached by a cast (service → signaling → its session's peer): what junk would fill without the guard. */
function peerjsHeld(service: object): { lost: number; connections: number } {
  type Held = { _lostMessages: Map<string, unknown[]>; _connections: Map<string, unknown[]> };
  const peer = (service as unknown as { signaling: { session: { peer: Held } } }).signaling.session.peer;
  let connections = 0;
  for (const list of peer._connections.values()) connections += list.length;
  return { lost: peer._lostMessages.size, connections };
}

describe('Signaling guard (real PeerServer, raw WebSocket client)', () => {
  let pcs: ReturnType<typeof countPeerConnections> | undefined;
  const pageErrors: string[] = [];
  const onError = (e: ErrorEvent) => pageErrors.push(e.message);

  beforeEach(() => {
    pageErrors.length = 0;
    window.addEventListener('error', onError);
  });

  afterEach(() => {
    window.removeEventListener('error', onError);
    pcs?.restore();
    pcs = undefined;
    for (const ws of sockets.splice(0)) ws.close();
    destroyServices();
  });

  it('drops candidates for unknown connections, media offers, foreign serializations and unknown types: nothing held, nothing thrown', async function () {
    this.timeout(30_000);
    const victim = await openService();
    const sdp = await realOfferSdp();
    pcs = countPeerConnections();
    const junk = await rawClient();
    const dst = victim.id!;
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    for (let i = 0; i < 3_000; i++) junk.send({ type: 'CANDIDATE', dst, payload: { connectionId: `dc_junk${i}`, candidate, type: 'data' } });
    // Other senders (the per-peer signal rate would drop most of one sender's flood anyway).
    const more = await Promise.all([0, 1, 2].map(() => rawClient()));
    const [media, serial, odd] = more;
    for (let i = 0; i < 20; i++) media.send({ type: 'OFFER', dst, payload: { connectionId: `mc_${i}`, type: 'media', sdp } });
    for (const serialization of ['json', 'binary', 'no-such-serializer', 'toString']) {
      serial.send({ type: 'OFFER', dst, payload: { connectionId: `dc_${serialization}`, type: 'data', serialization, reliable: true, sdp } });
    }
    odd.send({ type: 'ANSWER', dst, payload: { connectionId: 'dc_nope', sdp: { type: 'answer', sdp: 'v=0' } } });
    odd.send({ type: 'CANDIDATE', dst, payload: { connectionId: 'dc_huge', candidate: { candidate: 'x'.repeat(100_000) } } });
    await waitFor(() => Object.values(victim.signalingDrops).reduce((a, b) => a + b, 0) >= 3_026, 15_000, 'every junk message counted').catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(victim.signalingDrops)}`);
    });
    const drops = victim.signalingDrops;
    expect(drops['no-connection'] + drops['rate-limited']).to.be.at.least(3_000);
    expect(drops.media).to.equal(20);
    expect(drops.serialization).to.equal(4);
    expect(drops['too-large']).to.equal(1);
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
    expect(pcs.made(), 'peer connections built for junk').to.equal(0);
    expect(peerjsHeld(victim)).to.deep.equal({ lost: 0, connections: 0 });
    // The victim still works for an honest peer.
    const honest = await openService();
    await honest.connect(dst);
    await waitFor(() => victim.peers.includes(honest.id!), 5_000, 'the honest link open on the victim');
    expect(victim.peers).to.deep.equal([honest.id]);
  });

  it('an offer flood from one peer builds at most its burst of peer connections; the rest are refused as rate-limited', async function () {
    this.timeout(30_000);
    const victim = await openService({ offerRates: { perPeerPerMinute: 3, perMinute: 600 }, maxPendingHandshakes: 50 });
    const refused: PeerRefusedEvent[] = [];
    victim.addEventListener('peer-refused', (e: PeerRefusedEvent) => refused.push(e));
    const sdp = await realOfferSdp();
    pcs = countPeerConnections();
    const flooder = await rawClient();
    for (let i = 0; i < 40; i++) {
      flooder.send({ type: 'OFFER', dst: victim.id, payload: { connectionId: `dc_flood${i}`, type: 'data', serialization: 'raw', reliable: true, sdp } });
    }
    await waitFor(() => refused.length + pcs!.made() >= 40, 10_000, 'the flood handled');
    // perPeerPerMinute 3 → a burst of 3 offers (and one more if the test ran for 20 s).
    expect(pcs.made()).to.be.within(3, 4);
    expect(refused.every((e) => e.peer === flooder.id && e.reason === 'rate-limited')).to.equal(true);
    expect(victim.signalingDrops['rate-limited']).to.equal(40 - pcs.made());
    flooder.close();
    const honest = await openService();
    await honest.connect(victim.id!);
    // connect() resolves on the honest side first; the victim's side opens a moment later.
    await waitFor(() => victim.linkStatus(honest.id!) === 'open', 5_000, 'the honest link open on the victim');
  });
});
