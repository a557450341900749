// The TURN pool's model on a fake clock (splitting, scoring, cooldown, selection), and the failover's "stays
// poor" rule on an in-memory link; the real relays, kills and restarts are in turn-failover.test.ts.
import { expect } from '@open-wc/testing';
import { splitTurn, turnKey, TurnPool } from './turn-pool.js';
import { TurnFailover } from './turn-failover.js';
import type { TurnSwitchEvent } from './events.js';
import type { Link } from './link.js';
import type { LinkSample, StatsListener } from './link-stats.js';

const turn = (host: string, port: number, extra = ''): RTCIceServer => ({
  urls: [`turn:${host}:${port}?transport=udp${extra}`, `turn:${host}:${port}?transport=tcp`],
  username: 'u',
  credential: 'c',
});

describe('TurnPool', () => {
  it('keys servers by host:port and splits a multi-host credential into one server per host', () => {
    expect(turnKey('turn:Relay.Example:3478?transport=udp')).to.equal('relay.example:3478');
    expect(turnKey('turn:relay.example')).to.equal('relay.example:3478');
    expect(turnKey('turns:relay.example?transport=tcp')).to.equal('relay.example:5349');
    expect(turnKey('turn:[::1]:4000')).to.equal('[::1]:4000');
    expect(turnKey('stun:relay.example:3478')).to.equal(undefined);
    const { other, turn: entries } = splitTurn([
      { urls: 'stun:stun.example:3478' },
      {
        urls: ['turn:a.example:3478?transport=udp', 'turn:b.example:3478', 'turn:a.example:3478?transport=tcp', 'stun:a.example'],
        username: 'u',
        credential: 'c',
      },
    ]);
    expect(other).to.deep.equal([{ urls: ['stun:stun.example:3478'] }, { urls: ['stun:a.example'], username: 'u', credential: 'c' }]);
    expect(entries.map((e) => [e.key, e.server.urls, e.server.username])).to.deep.equal([
      ['a.example:3478', ['turn:a.example:3478?transport=udp', 'turn:a.example:3478?transport=tcp'], 'u'],
      ['b.example:3478', ['turn:b.example:3478'], 'u'],
    ]);
  });

  it('ranks by RTT, loss and success; sets a failed server aside for the cooldown; selects the best one per link', () => {
    let now = 0;
    const pool = new TurnPool(() => now, { cooldownMs: 60_000, perLink: 1 });
    const entries = splitTurn([turn('a', 1), turn('b', 2), turn('c', 3)]).turn;
    pool.set(entries);
    pool.probed('a:1', { ok: true, firstCandidateMs: 80 });
    pool.probed('b:2', { ok: true, firstCandidateMs: 40 });
    pool.probed('c:3', { ok: false, problem: 'timeout' });
    expect(pool.ranked().map((e) => e.key)).to.deep.equal(['b:2', 'a:1', 'c:3']);
    expect(pool.selection()).to.deep.equal([entries[1]!.server]);
    // Scores: rtt × (1 + 20 × loss) ÷ success ratio, with one good probe each ratio is (1 + 1) ÷ (1 + 2) = 2/3.
    expect(pool.score('b:2')).to.be.closeTo(40 / (2 / 3), 1e-9);
    // Loss through b makes it worse than a: 40 × (1 + 20 × 0.1) ÷ 2/3 = 180 > 80 ÷ 2/3 = 120.
    pool.observe('b:2', { loss: 0.1 });
    expect(pool.ranked()[0]!.key).to.equal('a:1');
    now = 1_000;
    pool.failed('a:1', 'its relay stopped passing packets');
    // Set-aside servers come last, the one back soonest first.
    expect(pool.ranked().map((e) => e.key)).to.deep.equal(['b:2', 'c:3', 'a:1']);
    expect(pool.bestOther('b:2')).to.equal(undefined); // c is still cooling down from its failed probe
    expect(pool.report().find((r) => r.key === 'a:1')).to.deep.include({ failed: 1, downUntil: 61_000, lastFailure: 'its relay stopped passing packets' });
    now = 61_001;
    // Back after the cooldown, its failure counted: success ratio (1 + 1) ÷ (1 + 1 + 2) = 1/2, so 80 ÷ 1/2 = 160,
    // still ahead of b (180) and of c, whose probe failed (200 ÷ 1/3 = 600).
    expect(pool.report().every((r) => r.downUntil === undefined)).to.equal(true);
    expect(pool.score('a:1')).to.be.closeTo(160, 1e-9);
    expect(pool.ranked().map((e) => e.key)).to.deep.equal(['a:1', 'b:2', 'c:3']);
    // Nothing up: the least bad still gets used.
    pool.failed('a:1', 'x');
    pool.failed('b:2', 'x');
    pool.failed('c:3', 'x');
    expect(pool.selection()).to.have.length(1);
    // Servers that leave the configuration are forgotten; the ones that stay keep their measurements.
    pool.set(entries.slice(0, 1));
    expect(pool.report().map((r) => r.key)).to.deep.equal(['a:1']);
    expect(pool.report()[0]!.failed).to.equal(2);
  });
});

describe('TurnFailover: a verdict that stays poor', () => {
  it('moves a relayed link to the next server after poorSwitchMs of poor samples, once, and sets its server aside', async () => {
    let listener: StatsListener | undefined;
    let restarts = 0;
    let reselects = 0;
    const link = { state: 'open', wire: undefined, awaitingSince: undefined, restartIce: () => restarts++ } as unknown as Link;
    const events: TurnSwitchEvent[] = [];
    const failover = new TurnFailover(
      {
        links: new Map([['peer-1', link]]),
        open: false,
        watchStats: (_peer, l) => {
          listener = l;
          return () => (listener = undefined);
        },
        reselect: () => reselects++,
        dispatchEvent: (e) => events.push(e as TurnSwitchEvent) > 0,
      },
      { poorSwitchMs: 10_000, watchdogMs: 20 },
    );
    try {
      const config = failover.select({ iceServers: [turn('a', 1), turn('b', 2)], iceTransportPolicy: 'relay' });
      expect(config.iceServers).to.have.length(1);
      const used = turnKey(String((config.iceServers![0]!.urls as string[])[0]))!;
      await new Promise((r) => setTimeout(r, 60)); // a watchdog tick starts watching the link
      expect(listener, 'the link is watched').to.be.a('function');
      const sample = (at: number, verdict: LinkSample['verdict']): LinkSample => ({
        at,
        path: 'relayed',
        protocol: 'udp',
        relayUrl: `turn:${used}?transport=udp`,
        rttMs: verdict === 'poor' ? 600 : 50,
        inBps: 0,
        outBps: 0,
        verdict,
      });
      listener!(sample(0, 'poor'));
      listener!(sample(5_000, 'good')); // recovered: the streak starts over
      listener!(sample(6_000, 'poor'));
      listener!(sample(15_000, 'poor'));
      expect(restarts, 'not yet: 9 s of poor').to.equal(0);
      listener!(sample(16_000, 'poor'));
      expect(restarts).to.equal(1);
      expect(events.map((e) => [e.type, e.peer, e.from, e.reason])).to.deep.equal([['turn-switch', 'peer-1', used, 'poor']]);
      expect(events[0]!.to).to.not.equal(used);
      expect(reselects).to.equal(1);
      expect(failover.pool.report().find((r) => r.key === used)).to.deep.include({ failed: 1, lastFailure: 'links through it stayed poor' });
      listener!(sample(30_000, 'poor'));
      expect(restarts, 'one switch per backoff').to.equal(1);
    } finally {
      failover.stop();
    }
  });
});
