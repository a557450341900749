/**
 * Everything ICE of one connection service: the live RTCConfiguration (one object PeerJS reads for every new
 * connection), the preset over the host's servers and the ephemeral TURN credentials, runtime changes with ICE
 * restarts, several TURN servers scored and failed over (turn-failover.ts), link statistics samplers and the
 * connection doctor. The failover, the credential refresher, the statistics samplers and the doctor's probes
 * are loaded on first use (their own chunks in bundles).
 */
import type { ResolvedConfig } from './config.js';
import type { Finding } from './doctor.js';
import { DarkswapConnectionError } from './errors.js';
import { iceConfiguration, validateIceServers, type IcePreset, type IceSettings } from './ice.js';
import type { IceCredentialRefresher } from './ice-credentials.js';
import type { IceProbeResult } from './ice-probe.js';
import type { Link } from './link.js';
import type { LinkSample, StatsListener, StatsSampler } from './link-stats.js';
import type { TurnFailover } from './turn-failover.js';
import type { TurnServerReport } from './turn-pool.js';
import { splitTurn } from './turn-split.js';

export interface IceControlHost {
  readonly config: Readonly<ResolvedConfig>;
  readonly links: ReadonlyMap<string, Link>;
  /** Whether the service is registered with signaling. */
  readonly open: boolean;
  /** Signaling as the doctor reports it. */
  signalingState(): { status: string; url: string; errorCode?: string };
  dispatchEvent(event: Event): boolean;
  emitError(error: DarkswapConnectionError): void;
}

export class IceControl {
  /** The live ICE configuration (one object, updated in place). */
  readonly ice: RTCConfiguration = {};
  private preset: IcePreset;
  /** The host's servers (without the ephemeral TURN one). */
  private base: RTCIceServer[];
  /** The preset's configuration before the TURN pool's selection (what the doctor probes). */
  private full: RTCConfiguration = {};
  private credentials: IceCredentialRefresher | undefined;
  private credentialsStarted = false;
  /** The TURN server made from the latest ephemeral credentials. */
  private credentialServer: RTCIceServer | undefined;
  private readonly samplers = new Map<string, StatsSampler>();
  /** The samplers' module, once loaded (link-stats.ts: loaded when statistics are first asked for). */
  private statsCode: typeof import('./link-stats.js') | undefined;
  private statsLoading: Promise<typeof import('./link-stats.js')> | undefined;
  /** Several TURN servers scored and failed over: loaded (its own chunk) once there are two or more. */
  private failover: TurnFailover | undefined;
  private failoverLoading = false;
  private disposed = false;
  /** What links ask of the failover (nothing runs without it). */
  readonly turn = {
    settled: (peer: string): Promise<void> => this.failover?.settled(peer) ?? Promise.resolve(),
    peerLost: (peer: string): void => this.failover?.peerLost(peer),
  };

  constructor(private readonly host: IceControlHost) {
    const c = host.config;
    this.preset = c.icePreset;
    this.base = c.iceServers;
    // A relay preset whose TURN server comes with the ephemeral credentials has no path until they arrive.
    const relayWaiting = c.icePreset === 'relay' && !!c.iceCredentials && !c.iceServers.length;
    this.apply(relayWaiting ? { iceServers: [], iceTransportPolicy: 'relay' } : iceConfiguration({ preset: c.icePreset, servers: c.iceServers }), false);
  }

  get configuration(): RTCConfiguration {
    return { ...this.ice, iceServers: [...(this.ice.iceServers ?? [])] };
  }

  /** See ConnectionService.setIce. */
  set(settings: IceSettings): void {
    const base = settings.servers ? validateIceServers(settings.servers) : this.base;
    const next = iceConfiguration({ preset: settings.preset ?? this.preset, servers: this.servers(base) });
    this.preset = settings.preset ?? this.preset;
    this.base = base;
    this.apply(next, true);
    if (this.host.open) void this.failover?.probe();
  }

  /**
   * Puts a configuration into effect (after the TURN pool's selection): in place in the object PeerJS reads
   * for every new connection, and on every open link's peer connection — with an ICE restart (`restart`), or
   * for its next gathering only (fresh TURN credentials, a new ranking: allocations in use stay).
   */
  private apply(full: RTCConfiguration, restart: boolean): void {
    this.full = full;
    if (!this.failover && splitTurn(full.iceServers ?? []).turn.length >= 2) this.loadFailover();
    const next = this.failover ? this.failover.select(full) : full;
    this.ice.iceServers = next.iceServers;
    this.ice.iceTransportPolicy = next.iceTransportPolicy;
    for (const link of this.host.links.values()) {
      const pc = link.wire?.pc;
      if (!pc || pc.connectionState === 'closed') continue;
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers: next.iceServers, iceTransportPolicy: next.iceTransportPolicy });
      if (restart) link.restartIce();
    }
  }

  /** After registration: score the TURN servers (when there are several). */
  registered(): void {
    void this.failover?.probe();
  }

  /** Loads the TURN pool and failover; until then links get every TURN server. */
  private loadFailover(): void {
    if (this.failoverLoading) return;
    this.failoverLoading = true;
    const host = this.host;
    void import('./turn-failover.js').then(({ TurnFailover }) => {
      if (this.disposed) return;
      this.failover = new TurnFailover({
        links: host.links,
        get open() {
          return host.open;
        },
        watchStats: (peer, listener) => this.watchStats(peer, listener),
        reselect: () => this.apply(this.full, false),
        dispatchEvent: (event) => host.dispatchEvent(event),
      });
      this.apply(this.full, false);
      if (host.open) void this.failover.probe();
    });
  }

  /** Fetches ephemeral TURN credentials (once; never fails open(): a failure is reported and retried). */
  async startCredentials(): Promise<void> {
    const source = this.host.config.iceCredentials;
    if (!source || this.credentialsStarted) return;
    this.credentialsStarted = true;
    const credentialError = (error: Error) =>
      this.host.emitError(new DarkswapConnectionError('signaling-unreachable', `TURN credentials could not be fetched: ${error.message}`, { cause: error }));
    let IceCredentialRefresher: typeof import('./ice-credentials.js').IceCredentialRefresher;
    try {
      ({ IceCredentialRefresher } = await import('./ice-credentials.js'));
    } catch (e) {
      // Its chunk did not load: reported like a failed fetch; the next open() tries again.
      this.credentialsStarted = false;
      credentialError(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (this.disposed) return;
    this.credentials = new IceCredentialRefresher(
      source,
      (server) => {
        this.credentialServer = server;
        this.apply(iceConfiguration({ preset: this.preset, servers: this.servers() }), false);
        if (this.host.open) void this.failover?.probe();
      },
      credentialError,
    );
    await this.credentials.start();
  }

  /** The host's servers plus the one from ephemeral credentials. */
  private servers(base: readonly RTCIceServer[] = this.base): RTCIceServer[] {
    return this.credentialServer ? [...base, this.credentialServer] : [...base];
  }

  /** See ConnectionService.diagnose. */
  async diagnose(timeoutMs: number): Promise<Finding[]> {
    const [{ probeIceServer, probeNat }, { findings }] = await Promise.all([import('./ice-probe.js'), import('./doctor.js')]);
    const servers = this.full.iceServers ?? [];
    const probes: IceProbeResult[] = [];
    for (const server of servers) probes.push(...(await probeIceServer(server, timeoutMs)));
    // Symmetric NAT: only two STUN servers (different addresses) that both answer can tell.
    const stunOk = new Set(probes.filter((p) => p.kind === 'stun' && p.ok).map((p) => p.url.replace(/\?.*$/, '').toLowerCase())).size;
    const nat = stunOk >= 2 ? (await probeNat(servers, stunOk, timeoutMs)).mapping : undefined;
    return findings({ signaling: this.host.signalingState(), preset: this.preset, probes, ...(nat ? { nat } : {}) });
  }

  /** The TURN servers in play, best first, with their scores (empty with fewer than two). */
  get turnServers(): TurnServerReport[] {
    return this.failover && this.failover.pool.size >= 2 ? this.failover.pool.report() : [];
  }

  private loadStats(): Promise<typeof import('./link-stats.js')> {
    this.statsLoading ??= import('./link-stats.js').then((code) => (this.statsCode = code));
    this.statsLoading.catch(() => (this.statsLoading = undefined));
    return this.statsLoading;
  }

  private sampler(peer: string, code: typeof import('./link-stats.js')): StatsSampler {
    let sampler = this.samplers.get(peer);
    if (!sampler) {
      sampler = new code.StatsSampler(() => this.host.links.get(peer)?.wire?.pc, this.host.config.statsIntervalMs);
      this.samplers.set(peer, sampler);
    }
    return sampler;
  }

  watchStats(peer: string, listener: StatsListener): () => void {
    if (this.statsCode) return this.sampler(peer, this.statsCode).watch(listener);
    // First statistics of this service: watching starts once the samplers' code is here (the first sample
    // comes from an asynchronous getStats() either way), unless the watcher or the link left meanwhile.
    let stop: (() => void) | undefined;
    let stopped = false;
    void this.loadStats().then(
      (code) => {
        if (!stopped && !this.disposed && this.host.links.has(peer)) stop = this.sampler(peer, code).watch(listener);
      },
      () => undefined,
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  async stats(peer: string): Promise<{ latest: LinkSample | undefined; history: readonly LinkSample[] }> {
    const code = await this.loadStats();
    if (!this.host.links.has(peer)) return { latest: undefined, history: [] }; // the link left while the code loaded
    const sampler = this.sampler(peer, code);
    const fresh = sampler.latest && performance.now() - sampler.latest.at < this.host.config.statsIntervalMs * 1.5;
    const latest = fresh ? sampler.latest : await sampler.sampleNow();
    return { latest, history: sampler.history };
  }

  get statsCostMs(): number {
    let total = 0;
    for (const s of this.samplers.values()) total += s.costMs;
    return total;
  }

  /** A link is gone for good: drop its sampler. */
  forget(peer: string): void {
    this.samplers.get(peer)?.dispose();
    this.samplers.delete(peer);
  }

  dispose(): void {
    this.disposed = true;
    this.credentials?.stop();
    this.failover?.stop();
    for (const s of this.samplers.values()) s.dispose();
    this.samplers.clear();
  }
}
