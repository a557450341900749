// Several TURN servers with two real coturns on 127.0.0.1 (Debian `coturn`; skipped with one line outside CI
// when missing): both are probed and scored, links relay through the best, and when that coturn is killed
// mid-stream the link moves to the other by an ICE restart — the same peer connection, no reconnect, and every
// message arrives exactly once, in order.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import type { PeerEvent } from './events.js';
import type { LinkSample } from './link-stats.js';
import type { TurnSwitchEvent } from './events.js';
import { turnKey } from './turn-pool.js';
import { destroyServices, openService, waitFor } from '../../test/harness.js';
import { coturn, stopCoturns, type Coturn } from '../../test/coturn.js';

const Tick = v.strictObject({ n: v.pipe(v.number(), v.integer()) });

const udpOnly = async (t: Coturn): Promise<RTCIceServer> => ({ ...(await t.server()), urls: t.url });

function relayOf(sample: LinkSample | undefined): string | undefined {
  return sample?.relayUrl ? turnKey(sample.relayUrl) : undefined;
}

describe('several TURN servers (two real coturns)', function () {
  this.timeout(60_000);
  afterEach(async () => {
    destroyServices();
    await stopCoturns();
  });

  it('scores both, relays through the best, and moves a link off a killed relay with 0 acked messages lost', async function () {
    const [t1, t2] = [await coturn(this), await coturn(this)];
    const servers = async () => [await udpOnly(t1), await udpOnly(t2)];
    const relay = async () => openService({ icePreset: 'relay', iceServers: await servers(), statsIntervalMs: 250 });
    const [a, b] = [await relay(), await relay()];
    // Both servers probed and scored before links are made.
    const probed = (s: typeof a) => s.turnServers.length === 2 && s.turnServers.every((r) => r.ok === 1);
    await waitFor(() => probed(a) && probed(b), 10_000, 'both servers probed');
    expect(a.turnServers.map((s) => s.key)).to.have.members([`127.0.0.1:${t1.port}`, `127.0.0.1:${t2.port}`]);
    expect(a.iceConfiguration.iceServers, 'one allocation per link: the best server only').to.have.length(1);
    await a.connect(b.id!);
    const events: string[] = [];
    for (const s of [a, b]) {
      for (const type of ['peer-reconnecting', 'peer-disconnected']) s.addEventListener(type, (e) => events.push(`${type}:${(e as PeerEvent).reason}`));
    }
    const switches: TurnSwitchEvent[] = [];
    a.addEventListener('turn-switch', (e) => switches.push(e as TurnSwitchEvent));
    const peerSwitches: TurnSwitchEvent[] = [];
    b.addEventListener('turn-switch', (e) => peerSwitches.push(e as TurnSwitchEvent));
    const got: number[] = [];
    b.channel('tick', { schema: Tick }).on((m) => got.push(m.n));
    const ch = a.channel('tick', { schema: Tick });
    let n = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 5 && n < 600; i++) ch.send(b.id!, { n: n++ });
    }, 20);
    try {
      await waitFor(() => got.length >= 100, 10_000, '100 messages through the first relay');
      const before = (await a.stats(b.id!))!.latest;
      expect(before?.path).to.equal('relayed');
      const used = relayOf(before);
      expect(used, 'the link relays through the best-scored server').to.equal(a.turnServers[0]!.key);
      const pcBefore = a.peerConnection(b.id!);
      // Each side ranks the servers on its own measurements: the peer's relay may be on either.
      const peerUsed = relayOf((await b.stats(a.id!))!.latest);
      const victim = used === `127.0.0.1:${t1.port}` ? t1 : t2;
      const survivor = victim === t1 ? t2 : t1;
      const countAtKill = got.length;
      await victim.stop();
      await waitFor(() => got.length > countAtKill + 20, 10_000, 'messages flowing again after the kill');
      await waitFor(() => n >= 600 && got.length >= 600, 20_000, 'all 600 messages');
      await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive by now
      expect(got).to.deep.equal(Array.from({ length: 600 }, (_, i) => i));
      expect(a.peerConnection(b.id!), 'the same peer connection (an ICE restart, not a re-dial)').to.equal(pcBefore);
      expect(events, 'no reconnect, no disconnect').to.deep.equal([]);
      expect(switches.map((s) => [s.peer, s.from, s.to, s.reason])).to.deep.equal([[b.id, used, `127.0.0.1:${survivor.port}`, 'relay-dead']]);
      // The peer heard "path lost" through signaling and checked its own relay: it moved only if it was on the
      // dead server too.
      expect(peerSwitches.map((s) => [s.peer, s.from, s.to, s.reason])).to.deep.equal(
        peerUsed === used ? [[a.id, used, `127.0.0.1:${survivor.port}`, 'relay-dead']] : [],
      );
      const after = await new Promise<LinkSample>((resolve) => {
        const stop = a.watchStats(b.id!, (s) => {
          if (relayOf(s) && relayOf(s) !== used) {
            stop();
            resolve(s);
          }
        });
      });
      expect(relayOf(after)).to.equal(`127.0.0.1:${survivor.port}`);
      const report = a.turnServers;
      expect(report[0]!.key).to.equal(`127.0.0.1:${survivor.port}`);
      expect(report[1]).to.deep.include({ key: used, failed: 1 });
      expect(report[1]!.lastFailure).to.match(/did not answer a probe/);
    } finally {
      clearInterval(pump);
    }
  });
});
