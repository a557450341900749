// A real coturn on 127.0.0.1 (Debian `coturn`; skipped with one line outside CI when missing): the relay
// preset selects a relay/relay pair and chat goes through it; the reachability probe finds the relay
// candidate, says "authentication" for wrong credentials and "unreachable" for a dead port (no false positive).
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { probeIceServer, probeNat } from './ice-probe.js';
import type { LinkSample } from './link-stats.js';
import { destroyServices, openService, waitFor } from '../../test/harness.js';
import { coturn, stopCoturns } from '../../test/coturn.js';

describe('TURN with a real coturn', function () {
  this.timeout(40_000);
  afterEach(async () => {
    destroyServices();
    await stopCoturns();
  });

  it('the relay preset links two peers through the relay (relay/relay pair) and chat goes through', async function () {
    const turn = await coturn(this);
    const relay = async () => openService({ icePreset: 'relay', iceServers: [await turn.server()], statsIntervalMs: 200 });
    const [a, b] = [await relay(), await relay()];
    await a.connect(b.id!);
    await waitFor(() => b.peers.includes(a.id!), 10_000, 'linked through the relay');
    const Chat = v.object({ t: v.string() });
    const got: string[] = [];
    b.channel('chat', { schema: Chat }).on((m) => got.push(m.t));
    a.channel('chat', { schema: Chat }).send(b.id!, { t: 'through the relay' });
    await waitFor(() => got.length === 1, 5_000, 'chat through the relay');
    const sample = await new Promise<LinkSample>((resolve) => {
      const stop = a.watchStats(b.id!, (s) => {
        if (s.path !== 'unknown') {
          stop();
          resolve(s);
        }
      });
    });
    expect(sample).to.deep.include({ path: 'relayed', localType: 'relay', remoteType: 'relay' });
    expect(a.iceConfiguration.iceTransportPolicy).to.equal('relay');
  });

  it('probes a TURN server: relay candidate found; wrong credentials → auth; a dead port → unreachable, never ok', async function () {
    const turn = await coturn(this);
    const good = await probeIceServer({ ...(await turn.server()), urls: turn.url });
    expect(good).to.have.length(1);
    expect(good[0]).to.deep.include({ ok: true, kind: 'turn', needed: 'relay', protocol: 'udp' });
    expect(good[0]!.firstCandidateMs).to.be.a('number');
    const wrong = await probeIceServer({ ...(await turn.server({ secret: 'not-the-secret' })), urls: turn.url });
    expect(wrong[0]).to.deep.include({ ok: false, problem: 'auth', errorCode: 401 });
    await turn.stop();
    const dead = await probeIceServer({ ...(await turn.server()), urls: turn.url }, 3_000);
    expect(dead[0]!.ok).to.equal(false);
    expect(dead[0]!.problem).to.be.oneOf(['unreachable', 'timeout']);
  });
});

describe('the connection doctor', function () {
  this.timeout(40_000);
  afterEach(async () => {
    destroyServices();
    await stopCoturns();
  });

  it('says plainly: no servers; TURN authentication failed; TURN unreachable; all good — each with a fix', async function () {
    const turn = await coturn(this);
    const none = await openService();
    const bare = await none.diagnose();
    expect(bare.map((f) => f.code)).to.deep.equal(['no-ice-servers']);
    expect(bare[0]!.fix).to.contain('Add your STUN and TURN servers');
    const good = await openService({ iceServers: [{ ...(await turn.server()), urls: turn.url }] });
    expect((await good.diagnose()).map((f) => f.code)).to.deep.equal(['all-good']);
    const wrong = await openService({ iceServers: [{ ...(await turn.server({ secret: 'wrong' })), urls: turn.url }], icePreset: 'relay' });
    const codes = (await wrong.diagnose()).map((f) => f.code);
    expect(codes).to.have.members(['relay-only-without-turn', 'turn-auth-failed', 'host-only']);
    await turn.stop();
    const gone = await good.diagnose(3_000);
    expect(gone.map((f) => f.code)).to.deep.equal(['turn-unreachable', 'host-only']);
    expect(gone[0]!.message).to.contain(turn.url);
  });
});

describe('NAT mapping through two real STUN servers (coturn)', function () {
  this.timeout(40_000);
  afterEach(async () => {
    destroyServices();
    await stopCoturns();
  });

  it('both servers see one address for the socket: consistent, and the doctor finds no symmetric NAT', async function () {
    const [t1, t2] = [await coturn(this), await coturn(this)];
    const stun = [{ urls: `stun:127.0.0.1:${t1.port}` }, { urls: `stun:127.0.0.1:${t2.port}` }];
    const nat = await probeNat(stun, 2, 5_000);
    expect(nat.reflexive.length).to.be.greaterThan(0);
    expect(nat.mapping).to.equal('consistent');
    const service = await openService({ iceServers: stun });
    expect((await service.diagnose(5_000)).map((f) => f.code)).to.deep.equal(['all-good']);
  });
});
