// The signaling guard's rules on messages the real PeerServer would not relay (unknown types, malformed
// frames) and its rate buckets on a fake clock; the real-server cases are in signaling-junk.test.ts.
import { expect } from '@open-wc/testing';
import { SignalingGuard, type SignalDrop } from './signaling-guard.js';

function guardWith(options: { connections?: string[]; refuse?: string; pinned?: string[] } = {}) {
  let now = 0;
  const dropped: [string | undefined, SignalDrop, string | undefined][] = [];
  const ice: [string, string, unknown][] = [];
  const guard = new SignalingGuard(
    {
      hasConnection: (peer, id) => (options.connections ?? []).includes(`${peer}/${id}`),
      admitOffer: () => options.refuse,
      isPinned: (peer) => (options.pinned ?? []).includes(peer),
      ice: (peer, id, frame) => ice.push([peer, id, frame]),
      dropped: (peer, reason, detail) => dropped.push([peer, reason, detail]),
    },
    { perPeerPerMinute: 6, perMinute: 20 },
    () => now,
  );
  return { guard, dropped, ice, tick: (ms: number) => (now += ms) };
}

const sdp = (type: string) => ({ type, sdp: 'v=0\r\n' });
const offer = (src: string, id = 'dc_1', extra: object = {}) => ({
  type: 'OFFER',
  src,
  payload: { connectionId: id, type: 'data', serialization: 'raw', sdp: sdp('offer'), ...extra },
});

describe('SignalingGuard', () => {
  it('hands ICE-restart frames of held connections to the link, never to PeerJS; drops malformed or unknown ones', () => {
    const { guard, dropped, ice } = guardWith({ connections: ['a/dc_1'] });
    const frame = { offer: 'v=0\r\n' };
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_1', ice: frame } })).to.equal(false);
    expect(ice).to.deep.equal([['a', 'dc_1', frame]]);
    expect(dropped).to.deep.equal([]);
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_9', ice: frame } })).to.equal(false);
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_1', ice: { offer: 7 } } })).to.equal(false);
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_1', ice: { restart: true, extra: 1 } } })).to.equal(false);
    expect(ice).to.have.length(1);
    expect(dropped.map((d) => d[1])).to.deep.equal(['no-connection', 'malformed', 'malformed']);
  });

  it('passes server messages and drops malformed or unknown ones with a reason', () => {
    const { guard, dropped } = guardWith();
    for (const type of ['OPEN', 'ERROR', 'ID-TAKEN', 'INVALID-KEY', 'LEAVE', 'EXPIRE']) expect(guard.admit({ type, src: 'a' }), type).to.equal(true);
    expect(guard.admit('junk')).to.equal(false);
    expect(guard.admit(null)).to.equal(false);
    expect(guard.admit({ type: 7 })).to.equal(false);
    expect(guard.admit({ type: 'SURPRISE', src: 'a', payload: {} })).to.equal(false);
    expect(guard.admit({ type: 'CANDIDATE', src: 'bad id!', payload: { connectionId: 'x' } })).to.equal(false);
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: '../../x' } })).to.equal(false);
    expect(guard.admit({ type: 'ANSWER', src: 'a', payload: { connectionId: 'dc_1', sdp: sdp('offer') } })).to.equal(false);
    expect(guard.admit(offer('a', 'dc_2', { sdp: { type: 'offer', sdp: 'x'.repeat(40_000) } }))).to.equal(false);
    expect(dropped.map(([, r]) => r)).to.deep.equal([
      'malformed',
      'malformed',
      'malformed',
      'unknown-type',
      'malformed',
      'malformed',
      'malformed',
      'too-large',
    ]);
    expect(guard.drops).to.include({ malformed: 6, 'unknown-type': 1, 'too-large': 1 });
  });

  it('lets answers and candidates through only for connections PeerJS holds', () => {
    const { guard, dropped } = guardWith({ connections: ['a/dc_1'] });
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 1 typ host' };
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_1', candidate } })).to.equal(true);
    expect(guard.admit({ type: 'ANSWER', src: 'a', payload: { connectionId: 'dc_1', sdp: sdp('answer') } })).to.equal(true);
    expect(guard.admit({ type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_2', candidate } })).to.equal(false);
    expect(guard.admit({ type: 'CANDIDATE', src: 'b', payload: { connectionId: 'dc_1', candidate } })).to.equal(false);
    expect(dropped.map(([p, r]) => `${p}:${r}`)).to.deep.equal(['a:no-connection', 'b:no-connection']);
  });

  it('rate-limits offers per peer and for all unpinned peers, refills over time, and asks admission last', () => {
    const { guard, dropped, tick } = guardWith({ pinned: ['friend'] });
    // Per peer: 6/min → a burst of 3, then one every 10 s.
    expect([1, 2, 3, 4].map((i) => guard.admit(offer('a', `dc_${i}`)))).to.deep.equal([true, true, true, false]);
    tick(10_000);
    expect(guard.admit(offer('a', 'dc_5'))).to.equal(true);
    expect(dropped.map(([p, r]) => `${p}:${r}`)).to.deep.equal(['a:rate-limited']);
    // The page: 20/min → a burst of 5 across unpinned peers; pinned peers are exempt.
    const page = guardWith({ pinned: ['friend'] });
    expect(['b', 'c', 'd', 'e', 'f', 'g'].map((p) => page.guard.admit(offer(p)))).to.deep.equal([true, true, true, true, true, false]);
    expect(page.guard.admit(offer('friend'))).to.equal(true);
    expect(page.dropped).to.deep.equal([['g', 'rate-limited', 'OFFER']]);
    const refusing = guardWith({ refuse: 'too-many-links' });
    expect(refusing.guard.admit(offer('a'))).to.equal(false);
    expect(refusing.dropped).to.deep.equal([['a', 'refused', 'too-many-links']]);
  });

  it('drops media offers and offers in another serialization (an unknown one would throw inside PeerJS)', () => {
    const { guard, dropped } = guardWith();
    expect(guard.admit(offer('a', 'mc_1', { type: 'media' }))).to.equal(false);
    for (const serialization of ['json', 'binary', 'toString', undefined]) expect(guard.admit(offer('a', 'dc_9', { serialization }))).to.equal(false);
    expect(dropped.map(([, r]) => r)).to.deep.equal(['media', 'serialization', 'serialization', 'serialization', 'serialization']);
  });

  it("limits each peer's relayed messages (a burst of 100, then 20/s)", () => {
    const { guard, tick } = guardWith({ connections: ['a/dc_1'] });
    const candidate = { type: 'CANDIDATE', src: 'a', payload: { connectionId: 'dc_1', candidate: { candidate: 'c' } } };
    let passed = 0;
    for (let i = 0; i < 150; i++) if (guard.admit(candidate)) passed++;
    expect(passed).to.equal(100);
    tick(1_000);
    passed = 0;
    for (let i = 0; i < 50; i++) if (guard.admit(candidate)) passed++;
    expect(passed).to.equal(20);
    expect(guard.drops['rate-limited']).to.equal(80);
  });
});
