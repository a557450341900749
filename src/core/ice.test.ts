// ICE configuration: validation and presets (pure), and a runtime change that reaches open links by an ICE
// restart over the link itself — real WebRTC, real PeerServer, a chat stream that loses nothing.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { DarkswapConnectionError } from './errors.js';
import { iceConfiguration, validateIceServers } from './ice.js';
import { ConnectionService } from './connection-service.js';
import { destroyServices, linkedPair, openService, signalingConfig, waitFor } from '../../test/harness.js';

const turn = { urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:127.0.0.1:5349'], username: 'u', credential: 'c' };
const stun = { urls: 'stun:127.0.0.1:3478' };
const ufrag = (sdp: string | undefined) => /^a=ice-ufrag:(\S+)/m.exec(sdp ?? '')?.[1];

describe('ICE configuration', () => {
  afterEach(destroyServices);

  it('validates servers and maps presets: lan, default, relay (TURN only, relay policy), data-saver', () => {
    const bad = (servers: unknown) => {
      try {
        validateIceServers(servers);
        return 'ok';
      } catch (e) {
        expect(e).to.be.instanceOf(DarkswapConnectionError);
        return (e as Error).message;
      }
    };
    expect(bad([{ urls: 'http://example' }])).to.contain('is not a stun:, turn: or turns: URL');
    expect(bad([{ urls: 'turn:127.0.0.1' }])).to.contain('needs a username and a credential');
    expect(bad([{ urls: [] }])).to.contain('needs `urls`');
    expect(bad('stun:x')).to.contain('must be an array');
    expect(bad([stun, turn])).to.equal('ok');
    expect(iceConfiguration({ preset: 'lan', servers: [stun, turn] })).to.deep.equal({ iceServers: [], iceTransportPolicy: 'all' });
    expect(iceConfiguration({ servers: [stun] })).to.deep.equal({ iceServers: [stun], iceTransportPolicy: 'all' });
    expect(iceConfiguration({ preset: 'relay', servers: [stun, turn] })).to.deep.equal({ iceServers: [turn], iceTransportPolicy: 'relay' });
    expect(iceConfiguration({ preset: 'data-saver', servers: [stun] }).iceServers).to.deep.equal([stun]);
    expect(() => iceConfiguration({ preset: 'relay', servers: [stun] })).to.throw('needs at least one TURN server');
  });

  it('a runtime change restarts ICE on open links (same link, nothing lost) and applies to new links', async function () {
    this.timeout(40_000);
    const [a, b] = await linkedPair();
    const Chat = v.object({ n: v.number() });
    const got: number[] = [];
    b.channel('chat', { schema: Chat }).on((m) => got.push(m.n));
    const chat = a.channel('chat', { schema: Chat });
    const reconnecting: string[] = [];
    for (const s of [a, b]) s.addEventListener('peer-reconnecting', (e) => reconnecting.push((e as Event & { peer: string }).peer));
    const pcA = a.peerConnection(b.id!)!;
    const pcB = b.peerConnection(a.id!)!;
    const before = { a: ufrag(pcA.localDescription?.sdp), b: ufrag(pcB.localDescription?.sdp) };
    // The side that did not dial asks for the restart; the dialer offers over the link.
    const notDialer = (a as unknown as { links: Map<string, { wire?: { dialer: string } }> }).links.get(b.id!)!.wire!.dialer === a.id ? b : a;
    let n = 0;
    const stream = setInterval(() => chat.send(b.id!, { n: n++ }), 5);
    try {
      await new Promise((r) => setTimeout(r, 200));
      notDialer.setIce({ servers: [stun] });
      await waitFor(
        () => ufrag(pcA.localDescription?.sdp) !== before.a && ufrag(pcB.localDescription?.sdp) !== before.b,
        15_000,
        'new ICE credentials on both sides',
      );
      await waitFor(() => pcA.signalingState === 'stable' && pcB.signalingState === 'stable', 10_000, 'negotiation done');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      clearInterval(stream);
    }
    await waitFor(() => got.length === n, 10_000, `all ${n} messages delivered`);
    expect(got).to.deep.equal(Array.from({ length: n }, (_, i) => i));
    expect(reconnecting, 'the link never dropped').to.deep.equal([]);
    expect(a.peerConnection(b.id!)).to.equal(pcA);
    const changed = notDialer.peerConnection(notDialer === a ? b.id! : a.id!)!;
    expect(changed.getConfiguration().iceServers?.map((s) => s.urls)).to.deep.equal([[stun.urls]]);
    expect(notDialer.iceConfiguration).to.deep.equal({ iceServers: [stun], iceTransportPolicy: 'all' });
    // A new link of the changed side is built with the new configuration.
    const c = await openService();
    await notDialer.connect(c.id!);
    expect(
      notDialer
        .peerConnection(c.id!)!
        .getConfiguration()
        .iceServers?.map((s) => s.urls),
    ).to.deep.equal([[stun.urls]]);
    // A bad change throws and changes nothing.
    expect(() => notDialer.setIce({ preset: 'relay' })).to.throw('needs at least one TURN server');
    expect(notDialer.iceConfiguration.iceTransportPolicy).to.equal('all');
  });

  it('ephemeral TURN credentials: fetched by open() from a URL or a callback, refreshed before they expire, applied to links', async function () {
    this.timeout(20_000);
    // From a URL (coturn REST format).
    const fromUrl = await openService({ iceCredentials: '/test/fixtures/turn-credentials.json' });
    expect(fromUrl.iceConfiguration.iceServers).to.deep.equal([
      { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1733400000:darkswap', credential: 'c2VjcmV0LWZyb20tZml4dHVyZQ==' },
    ]);
    // From a callback with a 1 s lifetime: asked again before expiry, and the open link's connection gets the new ones.
    let calls = 0;
    const source = async () => ({ username: `user-${++calls}`, credential: 'secret', ttl: 1, urls: ['turn:127.0.0.1:3478'] });
    const a = await openService({ iceCredentials: source });
    const b = await openService();
    await a.connect(b.id!);
    const usernameOf = () => (a.peerConnection(b.id!)!.getConfiguration().iceServers ?? []).map((s) => s.username);
    expect(calls).to.equal(1);
    await waitFor(() => calls >= 3, 5_000, 'two refreshes within 2.4 s');
    await waitFor(() => usernameOf().includes(`user-${calls}`), 2_000, 'the latest credentials on the open link');
    expect(a.iceConfiguration.iceServers?.map((s) => s.username)).to.deep.equal([`user-${calls}`]);
    // A broken source is reported and open() still works.
    const errors: string[] = [];
    const broken = new ConnectionService(await signalingConfig({ iceCredentials: async () => ({ username: 'x' }) as never }));
    broken.addEventListener('error', (e) => errors.push((e as Event & { error: Error }).error.message));
    await broken.open();
    expect(errors[0]).to.contain('TURN credentials could not be fetched');
    broken.destroy();
  });
});
