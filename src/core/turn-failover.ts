/**
 * With two or more TURN servers: probe and score them (turn-pool.ts), give links the best ones first, and move
 * a link to the next server by an ICE restart (link-ice.ts) when its relay dies or its verdict stays poor — the
 * same connection and DTLS session, so the link's acked streams lose nothing.
 *
 * - **Relay dead.** A link that has had reliable messages waiting for `stallMs` (600 ms, or 3 × its RTT) without
 *   a frame back is checked with `getStats()`: when its selected candidate pair has received no packet for that
 *   long and one end of the pair is a relay, the path is dead. Neither end can tell whose relay died, so each
 *   checks its own: I tell the peer (`{lost: true}` through signaling) and probe my relay's server (timeout 3 ×
 *   its first probe's time, 150 ms – 2 s); a server that does not answer is set aside (`TurnPool.failed`) and
 *   every link re-pointed at the next one. Then the link restarts ICE through the signaling server (its own path
 *   carries nothing now); each side's half of the restart waits for its own check. Measured here: the path is
 *   back ~0.4 s after the stall is seen; SCTP resumes at its next retransmission.
 * - **Poor.** A relayed link whose verdict stays `poor` for `poorSwitchMs` (default 10 s) while another
 *   server is up moves to it the same way (its server is set aside: the score alone would bring it back).
 * - One switch per link per `switchBackoffMs` (10 s): after a restart the peer's SCTP may stay quiet until its
 *   next retransmission (exponential backoff), which is no reason to move again. A `turn-switch` event tells
 *   the page.
 *
 * Statistics of relayed links feed the pool (RTT, loss); a relay candidate error on a link (`icecandidateerror`)
 * marks that server failed. Everything here runs only while the pool holds at least two servers.
 */
import { TurnSwitchEvent, type TurnSwitchReason } from './events.js';
import { TurnPool } from './turn-pool.js';
import { splitTurn, turnKey } from './turn-split.js';
import { probeIceServer } from './ice-probe.js';
import type { Link } from './link.js';
import type { LinkSample, StatsListener } from './link-stats.js';

export interface TurnFailoverOptions {
  stallMs: number;
  poorSwitchMs: number;
  switchBackoffMs: number;
  /** How often open links are looked at for a stall. */
  watchdogMs: number;
  probeTimeoutMs: number;
}

export const TURN_FAILOVER_DEFAULTS: TurnFailoverOptions = {
  stallMs: 600,
  poorSwitchMs: 10_000,
  switchBackoffMs: 10_000,
  watchdogMs: 100,
  probeTimeoutMs: 3_000,
};

export interface TurnFailoverHost {
  readonly links: ReadonlyMap<string, Link>;
  /** Whether the service is registered (probes and restarts wait for it). */
  readonly open: boolean;
  watchStats(peer: string, listener: StatsListener): () => void;
  /** The pool's ranking changed: put the new selection into effect (no restart). */
  reselect(): void;
  dispatchEvent(event: Event): boolean;
}

type Stat = Record<string, unknown> & { type: string; id: string };

function selectedPair(report: ReadonlyMap<string, Stat>): { pair?: Stat; local?: Stat; remote?: Stat } {
  let pair: Stat | undefined;
  for (const s of report.values()) if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = report.get(s.selectedCandidatePairId);
  if (!pair) return {};
  const local = report.get(String(pair.localCandidateId));
  const remote = report.get(String(pair.remoteCandidateId));
  return { pair, ...(local ? { local } : {}), ...(remote ? { remote } : {}) };
}

function relayKey(sample: LinkSample | undefined): string | undefined {
  return sample?.relayUrl ? turnKey(sample.relayUrl) : undefined;
}

export class TurnFailover {
  readonly pool = new TurnPool();
  private readonly options: TurnFailoverOptions;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly watching = new Map<string, { stop: () => void; pc: RTCPeerConnection | undefined }>();
  private readonly latest = new Map<string, LinkSample>();
  private readonly poorSince = new Map<string, number>();
  private readonly lastSwitch = new Map<string, number>();
  private readonly checking = new Set<string>();
  private probed = new Set<string>();
  /** Per peer: the check of my relay for that peer's link, while it runs (a restart waits for it). */
  private readonly checks = new Map<string, Promise<string | undefined>>();
  /** Per server: a quick liveness probe in flight. */
  private readonly quick = new Map<string, Promise<boolean>>();
  /** Links in recovery whose relay was already checked. */
  private readonly outageChecked = new Set<string>();

  constructor(
    private readonly host: TurnFailoverHost,
    options: Partial<TurnFailoverOptions> = {},
  ) {
    this.options = { ...TURN_FAILOVER_DEFAULTS, ...options };
  }

  /** The configuration links use for `config`: its non-TURN servers and the pool's selection of its TURN servers. */
  select(config: RTCConfiguration): RTCConfiguration {
    const { other, turn } = splitTurn(config.iceServers ?? []);
    this.pool.set(turn);
    if (turn.length < 2) {
      this.stop();
      return config;
    }
    this.start();
    return { ...config, iceServers: [...other, ...this.pool.selection()] };
  }

  /** Probes the servers not probed yet (in parallel), then re-selects. */
  async probe(): Promise<void> {
    if (this.pool.size < 2) return;
    const entries = this.pool.ranked().filter((e) => !this.probed.has(e.key));
    for (const e of entries) this.probed.add(e.key);
    await Promise.all(
      entries.map(async (e) => {
        const results = await probeIceServer(e.server, this.options.probeTimeoutMs).catch(() => []);
        const ok = results.filter((r) => r.ok).sort((a, b) => (a.firstCandidateMs ?? 0) - (b.firstCandidateMs ?? 0))[0];
        this.pool.probed(e.key, ok ?? { ok: false, ...(results[0]?.problem ? { problem: results[0].problem } : {}) });
      }),
    );
    if (entries.length) this.host.reselect();
  }

  /** Resolves when a check of my relay for `peer`'s link is done (nothing runs without a pool). */
  async settled(peer: string): Promise<void> {
    await this.checks.get(peer);
  }

  /** The peer says our path went silent: move my end of that link off my relay (if it is one). */
  peerLost(peer: string): void {
    if (this.pool.size < 2) return;
    void this.moveOffMyRelay(peer).then((left) => {
      if (left) this.host.dispatchEvent(new TurnSwitchEvent(peer, left, this.pool.bestOther(left)?.key, 'relay-dead'));
    });
  }

  /**
   * The path of `peer`'s link went silent: when my end is a relay, probe its server (quickly: see `alive`); when
   * it does not answer, set it aside and re-select, which points every link — this one included — at the next
   * server for its restart. Resolves to the server left behind, if any. (Moving without the probe would be
   * faster but wrong half the time: the dead relay may be the peer's.)
   */
  private moveOffMyRelay(peer: string): Promise<string | undefined> {
    const running = this.checks.get(peer);
    if (running) return running;
    const check = (async () => {
      const key = (await this.myRelay(peer)) ?? relayKey(this.latest.get(peer));
      if (!key || !this.pool.has(key) || (await this.alive(key))) return undefined;
      this.pool.failed(key, 'its relay stopped passing packets and it did not answer a probe');
      this.host.reselect();
      return key;
    })().finally(() => this.checks.delete(peer));
    this.checks.set(peer, check);
    return check;
  }

  /** The server of my end of `peer`'s selected candidate pair, when my end is a relay. */
  private async myRelay(peer: string): Promise<string | undefined> {
    const pc = this.host.links.get(peer)?.wire?.pc;
    if (!pc || pc.connectionState === 'closed') return undefined;
    const { local } = selectedPair((await pc.getStats().catch(() => new Map())) as unknown as ReadonlyMap<string, Stat>);
    return local?.candidateType === 'relay' && typeof local.url === 'string' ? turnKey(local.url) : undefined;
  }

  /**
   * A quick probe of one server (its first URL): does it still hand out a relay candidate within 3 × the time
   * its first probe took (150 ms – 2 s)?
   */
  private alive(key: string): Promise<boolean> {
    const running = this.quick.get(key);
    if (running) return running;
    const entry = this.pool.entry(key);
    if (!entry) return Promise.resolve(true);
    const first = typeof entry.server.urls === 'string' ? entry.server.urls : entry.server.urls[0]!;
    const timeout = Math.min(2_000, Math.max(150, 3 * (this.pool.probeMsOf(key) ?? 100)));
    const probe = probeIceServer({ ...entry.server, urls: first }, timeout)
      .then((r) => r.some((x) => x.ok))
      .catch(() => false)
      .finally(() => this.quick.delete(key));
    this.quick.set(key, probe);
    return probe;
  }

  /** The latest statistics sample of a link (while the pool is active). */
  sampleOf(peer: string): LinkSample | undefined {
    return this.latest.get(peer);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.watching.values()) w.stop();
    this.watching.clear();
    this.latest.clear();
    this.poorSince.clear();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.options.watchdogMs);
    if (this.host.open) void this.probe();
  }

  private tick(): void {
    const now = performance.now();
    for (const [peer, w] of this.watching) {
      const link = this.host.links.get(peer);
      if (!link || link.state === 'connecting') {
        w.stop();
        this.watching.delete(peer);
        this.latest.delete(peer);
        this.poorSince.delete(peer);
      }
    }
    for (const peer of [...this.lastSwitch.keys(), ...this.outageChecked]) {
      if (!this.host.links.has(peer)) {
        this.lastSwitch.delete(peer);
        this.outageChecked.delete(peer);
      }
    }
    for (const [peer, link] of this.host.links) {
      if (link.state === 'reconnecting') {
        // The link dropped (ICE gave up on its path): if it was relayed, check that server before the re-dial uses it.
        const key = relayKey(this.latest.get(peer));
        if (key && !this.outageChecked.has(peer)) {
          this.outageChecked.add(peer);
          void this.alive(key).then((ok) => {
            if (ok) return;
            this.pool.failed(key, 'a link through it dropped and it did not answer a probe');
            this.host.reselect();
          });
        }
        continue;
      }
      this.outageChecked.delete(peer);
      if (link.state !== 'open') continue;
      this.watch(peer, link);
      const since = link.awaitingSince;
      if (since !== undefined && now - since > this.stallMs(peer) && !this.checking.has(peer) && this.mayswitch(peer, now)) {
        void this.checkStall(peer, link);
      }
    }
  }

  private watch(peer: string, link: Link): void {
    const pc = link.wire?.pc;
    const current = this.watching.get(peer);
    if (current && current.pc === pc) return;
    current?.stop();
    const stop = this.host.watchStats(peer, (s) => this.sampled(peer, s));
    // A relay that cannot be reached or refuses my credentials while this link gathers counts against it — unless
    // it did give this connection a relay candidate (browsers report 701 per interface: one without a route to
    // the server says nothing about the server).
    const relayed = new Set<string>();
    const onCandidate = (e: Event) => {
      const ev = e as RTCPeerConnectionIceEvent & { url?: string | null };
      const key = ev.candidate?.type === 'relay' && ev.url ? turnKey(ev.url) : undefined;
      if (key) relayed.add(key);
    };
    const onError = (e: Event) => {
      const ev = e as RTCPeerConnectionIceErrorEvent;
      const key = ev.url ? turnKey(ev.url) : undefined;
      if (!key || !this.pool.has(key) || relayed.has(key)) return;
      if (ev.errorCode === 401) this.pool.failed(key, 'it refused the credentials');
      else if (ev.errorCode === 701) this.pool.failed(key, 'it could not be reached');
    };
    pc?.addEventListener('icecandidate', onCandidate);
    pc?.addEventListener('icecandidateerror', onError);
    this.watching.set(peer, {
      pc,
      stop: () => {
        stop();
        pc?.removeEventListener('icecandidate', onCandidate);
        pc?.removeEventListener('icecandidateerror', onError);
      },
    });
  }

  private sampled(peer: string, s: LinkSample): void {
    this.latest.set(peer, s);
    const key = relayKey(s);
    if (key) this.pool.observe(key, { ...(s.rttMs !== undefined ? { rttMs: s.rttMs } : {}), ...(s.loss !== undefined ? { loss: s.loss } : {}) });
    if (s.verdict !== 'poor' || s.path !== 'relayed') {
      this.poorSince.delete(peer);
      return;
    }
    const since = this.poorSince.get(peer) ?? s.at;
    this.poorSince.set(peer, since);
    if (s.at - since < this.options.poorSwitchMs || !key || !this.pool.bestOther(key) || !this.mayswitch(peer, performance.now())) return;
    this.poorSince.delete(peer);
    this.pool.failed(key, 'links through it stayed poor');
    this.host.reselect();
    this.restartLink(peer, key, 'poor');
  }

  /** How long a link may wait for the peer before its path is checked: `stallMs`, or 3 × its RTT when longer. */
  private stallMs(peer: string): number {
    return Math.max(this.options.stallMs, 3 * (this.latest.get(peer)?.rttMs ?? 0));
  }

  private mayswitch(peer: string, now: number): boolean {
    const last = this.lastSwitch.get(peer);
    return last === undefined || now - last >= this.options.switchBackoffMs;
  }

  /** A link waits for the peer: is its path silent (nothing received) and relayed? Then fail over. */
  private async checkStall(peer: string, link: Link): Promise<void> {
    const pc = link.wire?.pc;
    if (!pc) return;
    this.checking.add(peer);
    try {
      const report = (await pc.getStats()) as unknown as ReadonlyMap<string, Stat>;
      const { pair, local, remote } = selectedPair(report);
      if (!pair || typeof pair.lastPacketReceivedTimestamp !== 'number') return;
      const silentMs = Number(pair.timestamp) - pair.lastPacketReceivedTimestamp;
      if (silentMs < this.stallMs(peer)) return; // slow, not dead
      if (local?.candidateType !== 'relay' && remote?.candidateType !== 'relay') return; // a direct path: ICE and link recovery handle it
      this.lastSwitch.set(peer, performance.now());
      link.signalPathLost();
      const left = await this.moveOffMyRelay(peer);
      this.restartLink(peer, left, 'relay-dead');
    } catch {
      // The connection closed while checking: link recovery takes it from here.
    } finally {
      this.checking.delete(peer);
    }
  }

  /** Restarts ICE on `peer`'s link (its configuration already points elsewhere) and tells the page. */
  private restartLink(peer: string, from: string | undefined, reason: TurnSwitchReason): void {
    const link = this.host.links.get(peer);
    if (!link || link.state !== 'open') return;
    this.lastSwitch.set(peer, performance.now());
    link.restartIce();
    this.host.dispatchEvent(new TurnSwitchEvent(peer, from, this.pool.bestOther(from)?.key, reason));
  }
}
