import { BandwidthBudget, type BandwidthSettings, type BandwidthState } from './bandwidth.js';
import { utf8Length } from './frame.js';
import type { UsagePersistence } from './bandwidth-persist.js';
import { BulkChannel, bulkFrameBytes, type BulkChannelOptions, type BulkEndpoint, type BulkFrame, type BulkHost } from './bulk.js';
import { Channel, type ChannelEndpoint, type ChannelHost, type ChannelOptions, type SendOptions } from './channel.js';
import { createSessionToken, isValidPeerId, resolveConfig, type ConnectionConfig, type ResolvedConfig } from './config.js';
import type { ConnectionApi, RejectCounts } from './connection-api.js';
import { DarkswapConnectionError, type ConnectionErrorCode } from './errors.js';
import { ServiceErrorEvent, ServiceStatusEvent, type LinkStatus, type ServiceStatus } from './events.js';
import { type RejectReason } from './frame.js';
import { isPublicKey, type Identity } from './identity.js';
import type { Link, PeerIdentity } from './link.js';
import type { MediaPath } from './link-media.js';
import type { BeaconAsks, BeaconHandle } from './rendezvous.js';
import type { StableIdClaim } from './stable-id.js';
import { LinkRegistry, type LinkRegistryHost } from './link-registry.js';
import { Signaling, type SignalingHost } from './signaling.js';
import type { SignalDrop } from './signaling-drops.js';
import type { IceSettings } from './ice.js';
import { IceControl, type IceControlHost } from './ice-control.js';
import type { LinkSample, StatsListener } from './link-stats.js';
import type { Finding } from './doctor.js';
import type { TurnServerReport } from './turn-pool.js';

// Typed listeners for the class itself (merged with the class declaration below).
export interface ConnectionService {
  addEventListener: ConnectionApi['addEventListener'];
  removeEventListener: ConnectionApi['removeEventListener'];
}

/**
 * One PeerJS peer, its links to other peers, and the named channels multiplexed on them.
 * Framework-free: an EventTarget with synchronous state. Signaling (the PeerJS peer, the only
 * peerjs import) lives in `signaling.ts` and `signaling-session.ts`, the links' lives in `link-registry.ts`
 * (the links themselves, `link-layer.ts`, load with PeerJS).
 *
 * Links heal themselves: when a connection drops, the peer with the lower id re-dials, reliable
 * channels resend what was not acknowledged, and widgets see `peer-reconnecting` then
 * `peer-connected`. Every link starts with an authenticated hello (identity keys signing the
 * DTLS fingerprints); inbound traffic is rate-limited per peer and abusers are blocked.
 */
export class ConnectionService extends EventTarget implements ConnectionApi, ChannelHost, BulkHost {
  readonly apiVersion = 1 as const;
  readonly config: Readonly<ResolvedConfig>;
  /** This service instance's session id: peers use it to tell a re-dial from a restart. */
  readonly session = createSessionToken();
  private _status: ServiceStatus = 'idle';
  private opening: Promise<string> | undefined;
  private readonly channels = new Map<string, Set<ChannelEndpoint>>();
  private readonly bulkChannels = new Map<string, Set<BulkEndpoint>>();
  private pins: Record<string, string> = {};
  private myIdentity: Identity | undefined;
  private readonly givenIdentity: Identity | undefined;
  private readonly signaling = new Signaling(this.signalingHost());
  private readonly registry = new LinkRegistry(this.registryHost());
  /** The registry's links by peer id (test/harness.ts and some tests reach this map by a cast). */
  private readonly links: Map<string, Link> = this.registry.links;

  /** ICE: the live configuration, runtime changes, the TURN pool, statistics and the doctor. */
  private readonly iceControl: IceControl;
  /** The page's budget for bulk data and the usage counters (bandwidth.ts), kept across reloads (bandwidth-persist.ts). */
  private readonly budget = new BandwidthBudget();
  private usageSaver: UsagePersistence | undefined;
  private usageLoading = false;

  constructor(config: ConnectionConfig) {
    super();
    this.config = Object.freeze(resolveConfig(config));
    this.iceControl = new IceControl(this.iceHost());
    this.addEventListener('peer-disconnected', (e) => this.iceControl.forget((e as Event & { peer: string }).peer));
    this.givenIdentity = typeof config.identity === 'object' ? config.identity : undefined;
  }

  get status(): ServiceStatus {
    return this._status;
  }

  /** Kept while signaling reconnects (PeerJS itself forgets the id on disconnect). */
  get id(): string | undefined {
    return this._status === 'open' || this._status === 'reconnecting' ? this.signaling.registeredId : undefined;
  }

  /** My identity key (raw Ed25519 public key, 64 hex) once open() has loaded it. */
  get publicKey(): string | undefined {
    return this.myIdentity?.publicKey;
  }

  /** The name of my persistent identity (undefined when an Identity object was given). */
  get identityName(): string | undefined {
    return this.config.identityName;
  }

  /** The identity signing my hellos (and, for widgets such as the orderbook, my orders). */
  get identity(): Identity | undefined {
    return this.myIdentity;
  }

  /** Peers with an open link. */
  get peers(): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open').map(([p]) => p);
  }

  linkStatus(peer: string): LinkStatus | undefined {
    return this.links.get(peer)?.state;
  }

  /** Who is on the other end of an open link: key, short authentication string, pin state. */
  /** Media for calls on the open link to `peer` (link-media.ts, loaded on first use); undefined without an open link. */
  async media(peer: string): Promise<MediaPath | undefined> {
    const link = this.links.get(peer);
    return link?.state === 'open' ? link.mediaPath() : undefined;
  }

  peerIdentity(peer: string): PeerIdentity | undefined {
    return this.links.get(peer)?.identity;
  }

  /** The ICE configuration links use now (the preset over the host's servers, the TURN pool's selection). */
  get iceConfiguration(): RTCConfiguration {
    return this.iceControl.configuration;
  }

  /**
   * Changes the ICE servers and/or preset at runtime without dropping links: new links use it at once; each
   * open link switches by an ICE restart (same DTLS session, acked messages kept; see link-ice.ts). Throws
   * `invalid-config` (and changes nothing) for bad servers or a relay preset without TURN.
   */
  setIce(settings: IceSettings): void {
    this.iceControl.set(settings);
  }

  /**
   * With two or more TURN servers: each one's score (lower is better; see turn-pool.ts), best first — links
   * use the best ones and move to the next by an ICE restart when their relay dies or stays poor
   * (`turn-switch` events). Empty with fewer than two.
   */
  get turnServers(): TurnServerReport[] {
    return this.iceControl.turnServers;
  }

  /**
   * The connection doctor: probes every configured ICE server (`probeIceServer`) and returns plain-language
   * findings, each with a fix: signaling unreachable or refusing the key, no STUN/TURN configured, STUN
   * unreachable, TURN authentication failed or unreachable, UDP blocked, a relay preset without a working TURN.
   */
  diagnose(timeoutMs = 5_000): Promise<Finding[]> {
    return this.iceControl.diagnose(timeoutMs);
  }

  /**
   * Live statistics of the link to `peer`: `listener` gets a sample every `statsIntervalMs` (default 1 s) —
   * path (direct/relayed), protocol, RTT, bytes/s each way, loss and jitter with media, available outgoing
   * bitrate, a verdict. Sampling runs only while someone watches. Returns the function that stops watching.
   */
  watchStats(peer: string, listener: StatsListener): () => void {
    if (!this.links.has(peer)) throw this.error('unknown-peer', `Not connected to peer ${peer}.`);
    return this.iceControl.watchStats(peer, listener);
  }

  /** The latest sample of the link to `peer` (taken now when nobody watches), and the last five minutes of them. */
  async stats(peer: string): Promise<{ latest: LinkSample | undefined; history: readonly LinkSample[] } | undefined> {
    if (!this.links.has(peer)) return undefined;
    return this.iceControl.stats(peer);
  }

  /**
   * Bandwidth for bulk data (file chunks): `bulkBps` caps all bulk channels together (bytes/s; 0 pauses them),
   * `weights` share the cap between competing bulk channels, `dailyCapBytes` pauses bulk sending until local
   * midnight once that much went out today. A missing key keeps its setting, `null` clears it. Applies at once;
   * throws `invalid-config` (and changes nothing) for a value that is not a finite number ≥ 0 (weights > 0).
   */
  setBandwidth(settings: BandwidthSettings): void {
    if (this._status === 'closed') throw this.error('destroyed', 'This connection service was destroyed.');
    this.budget.configure(settings);
  }

  /** The bandwidth settings in force, why bulk sending is paused (if it is), and usage today and this month. */
  get bandwidth(): BandwidthState {
    return this.budget.state();
  }

  /** @internal Main-thread ms spent by all samplers (benchmarks). */
  get statsCostMs(): number {
    return this.iceControl.statsCostMs;
  }

  /** Messages relayed by the signaling server that were dropped before PeerJS saw them, by reason. */
  get signalingDrops(): Readonly<Record<SignalDrop, number>> {
    return { ...this.signaling.drops };
  }

  rejects(peer: string): RejectCounts {
    const counts = this.registry.rejectCounts.get(peer);
    return counts ? { total: counts.total, byReason: { ...counts.byReason } } : { total: 0, byReason: {} };
  }

  /** Peers currently refused, with the time (epoch ms) their block ends. */
  get blockedPeers(): ReadonlyMap<string, number> {
    const blocked = this.registry.blocked;
    const now = Date.now();
    for (const [peer, until] of blocked) if (until <= now) blocked.delete(peer);
    return new Map(blocked);
  }

  unblock(peer: string): void {
    this.registry.blocked.delete(peer);
  }

  /**
   * Pin a peer id to an identity key (by default the key of its open link): later links from
   * that id with any other key are refused with `identity-mismatch`. Saved with a persistent
   * identity, so pins survive a reload.
   */
  async pin(peer: string, publicKey = this.peerIdentity(peer)?.publicKey): Promise<void> {
    if (!isPublicKey(publicKey)) throw this.error('invalid-config', `No identity key to pin for ${peer}.`);
    this.pins = { ...this.pins, [peer]: publicKey };
    await this.savePins();
  }

  async unpin(peer: string): Promise<void> {
    const { [peer]: _gone, ...rest } = this.pins;
    this.pins = rest;
    await this.savePins();
  }

  /** Saves the pins with a persistent identity (identity-store.ts: its own chunk in bundles, as for loading). */
  private async savePins(): Promise<void> {
    const name = this.config.identityName;
    if (name) await import('./identity-store.js').then(({ savePins }) => savePins(name, this.pins));
  }

  get pinned(): Readonly<Record<string, string>> {
    return { ...this.pins };
  }

  /** Register with the signaling server; resolves with my peer id. */
  open(): Promise<string> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (this.opening) return this.opening;
    this.setStatus('connecting');
    this.signaling.preload();
    this.opening = Promise.all([this.loadIdentity(), this.iceControl.startCredentials()]).then(
      () => this.registerStable(),
      (cause: unknown) => {
        const error = this.error('invalid-config', `Cannot load the identity key from IndexedDB: ${String(cause)}`, cause);
        this.opening = undefined;
        this.setStatus('error');
        this.emitError(error);
        throw error;
      },
    );
    return this.opening;
  }

  /** Beacon questions in flight (rendezvous.ts, loaded with the first beacon call). */
  private beacons: Promise<BeaconAsks> | undefined;

  /**
   * Holds beacon `id` with a second, bare signaling socket (rendezvous.ts); `answer(from)` gives the data each
   * asker gets back. Rejects when the id is taken.
   */
  holdBeacon(id: string, answer: (from: string) => unknown): Promise<BeaconHandle> {
    if (!isValidPeerId(id)) return Promise.reject(this.error('invalid-peer-id', `Invalid beacon id "${id}".`));
    // On the signaling server in use (the next one of the cluster after a failover).
    const { host, port, path, secure } = this.signaling.endpoint;
    return import('./rendezvous.js').then(({ holdBeacon }) => holdBeacon({ host, port, path, secure, key: this.config.key }, id, answer));
  }

  /** Asks beacon `id` through the signaling server; resolves with its answer, or undefined after `timeoutMs`. */
  askBeacon(id: string, timeoutMs = 1_500): Promise<unknown> {
    this.beacons ??= import('./rendezvous.js').then(({ BeaconAsks }) => new BeaconAsks((peer, frame) => this.signaling.signalRoom(peer, frame)));
    return this.beacons.then((asks) => asks.ask(id, timeoutMs));
  }

  /** The stable id claimed for this service (stable-id.ts), if any. */
  stableId: StableIdClaim | undefined;

  /** Registers, with my identity's stable id when there is one (stable-id.ts, loaded only then). */
  private registerStable(): Promise<string> {
    const c = this.config;
    if (!c.stablePeerId || !c.identityName || c.peerId) return this.signaling.register();
    const owner = {
      get stableId() {
        return service.stableId;
      },
      set stableId(claim) {
        service.stableId = claim;
      },
      get status() {
        return service._status;
      },
      config: c,
      setStatus: (status: ServiceStatus) => this.setStatus(status),
    };
    const service = this;
    return import('./stable-id.js').then(({ registerStable }) => registerStable(owner, c.identityName!, () => this.signaling.register()));
  }

  private async loadIdentity(): Promise<void> {
    if (this.myIdentity) return;
    const name = this.config.identityName;
    if (!name) {
      this.myIdentity = this.givenIdentity;
      return;
    }
    // idb-keyval and the store: a chunk of their own in bundles, loaded with the first persistent identity.
    const { loadIdentity, loadPins } = await import('./identity-store.js');
    const [identity, pins] = await Promise.all([loadIdentity(name), loadPins(name)]);
    this.myIdentity = identity;
    this.pins = { ...pins, ...this.pins };
    if (this.config.persistUsage && !this.usageLoading && this._status !== 'closed') {
      // Its own chunk in bundles, loaded on first use (a failed load leaves usage per page).
      this.usageLoading = true;
      void import('./bandwidth-persist.js').then(
        ({ UsagePersistence }) => {
          const saver = new UsagePersistence(this.budget, name);
          // Destroyed while it loaded: save what was counted, as stop() would have.
          if (this._status === 'closed') void saver.stop();
          else void (this.usageSaver = saver).start();
        },
        () => (this.usageLoading = false),
      );
    }
  }

  /** Open a link to a peer; resolves when it is open and authenticated. */
  connect(peerId: string): Promise<void> {
    if (this._status === 'closed') return Promise.reject(this.error('destroyed', 'This connection service was destroyed.'));
    if (!this.signaling.active || !this.id) return Promise.reject(this.error('not-open', 'Not registered with signaling yet: call open() first.'));
    if (typeof peerId !== 'string' || !isValidPeerId(peerId) || peerId === this.id) {
      return Promise.reject(this.error('invalid-peer-id', `Cannot connect to "${String(peerId)}": not a valid remote peer id.`));
    }
    if (this.registry.isBlocked(peerId)) {
      return Promise.reject(this.error('peer-blocked', `Peer ${peerId} is blocked until ${new Date(this.registry.blocked.get(peerId)!).toISOString()}.`));
    }
    return this.registry.connect(peerId);
  }

  /** Leave a peer deliberately: it is told (`_bye`) and does not try to recover the link. */
  disconnect(peerId: string): void {
    this.links.get(peerId)?.sayBye('left');
    this.dropLink(peerId, this.error('link-closed', `Disconnected from ${peerId}.`), 'local');
  }

  channel<T>(name: string, options: ChannelOptions<T>): Channel<T> {
    if (this._status === 'closed') throw this.error('destroyed', 'This connection service was destroyed.');
    const channel = new Channel<T>(this, name, options);
    let set = this.channels.get(name);
    if (!set) this.channels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  /** A binary bulk endpoint on each link's separate, backpressured data channel (file chunks). */
  bulkChannel<H>(name: string, options: BulkChannelOptions<H>): BulkChannel<H> {
    if (this._status === 'closed') throw this.error('destroyed', 'This connection service was destroyed.');
    const channel = new BulkChannel<H>(this, name, options);
    let set = this.bulkChannels.get(name);
    if (!set) this.bulkChannels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  destroy(): void {
    if (this._status === 'closed') return;
    this.iceControl.dispose();
    void this.usageSaver?.stop();
    this.budget.dispose();
    this.signaling.stop();
    this.stableId?.release();
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.registry.onPageHide);
    let said = false;
    for (const [peer, link] of [...this.links]) {
      if (link.wire?.ready) {
        link.sayBye('destroyed');
        said = true;
      }
      this.dropLink(peer, this.error('destroyed', 'The connection service was destroyed.'), 'local');
    }
    for (const set of this.channels.values()) for (const ch of [...set]) ch.close();
    for (const set of this.bulkChannels.values()) for (const ch of [...set]) ch.close();
    this.signaling.destroy(said);
    this.opening = undefined;
    this.setStatus('closed');
  }

  /** @internal The current RTCPeerConnection of a link (tests and benchmarks only). */
  peerConnection(peer: string): RTCPeerConnection | undefined {
    return this.links.get(peer)?.wire?.pc;
  }

  /** @internal ChannelHost */
  sendMessage(peerId: string, channel: string, json: string, options: SendOptions): void {
    const link = this.links.get(peerId);
    if (!link) throw this.error('unknown-peer', `Not connected to peer ${peerId}.`);
    link.send(channel, json, options.reliable, options.priority);
    this.budget.record('sent', peerId, channel, utf8Length(json), false);
  }

  /** @internal ChannelHost */
  broadcastPeers(reliable: boolean): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open' || (reliable && l.state === 'reconnecting')).map(([p]) => p);
  }

  /** @internal ChannelHost */
  broadcastFailed(channel: string, failures: ReadonlyMap<string, unknown>): void {
    for (const [peer, cause] of failures) {
      const code = cause instanceof DarkswapConnectionError ? cause.code : 'link-closed';
      const why = cause instanceof Error ? cause.message : String(cause);
      this.dispatchEvent(
        new ServiceErrorEvent(new DarkswapConnectionError(code, `A broadcast on "${channel}" did not reach ${peer}: ${why}`, { cause }), peer),
      );
    }
  }

  /** @internal ChannelHost */
  removeChannel(channel: ChannelEndpoint): void {
    this.channels.get(channel.name)?.delete(channel);
  }

  /** @internal BulkHost: waits for the bandwidth budget, then for the link. */
  async sendBulk(peerId: string, frame: Uint8Array, channel: string): Promise<void> {
    if (!this.links.has(peerId)) throw this.error('unknown-peer', `Not connected to peer ${peerId}.`);
    await this.budget.acquire(channel, frame.byteLength);
    const link = this.links.get(peerId);
    if (!link) throw this.error('link-closed', `The link to ${peerId} closed while the frame waited for bandwidth.`);
    await link.sendBulk(frame);
    this.budget.record('sent', peerId, channel, frame.byteLength, true);
  }

  /** @internal BulkHost */
  maxBulkFrame(peerId: string): number {
    return this.links.get(peerId)?.wire?.maxMessageSize ?? 262_144;
  }

  /** @internal BulkHost */
  removeBulk(channel: BulkEndpoint): void {
    this.bulkChannels.get(channel.name)?.delete(channel);
  }

  // ---- wiring ------------------------------------------------------------------------------

  private signalingHost(): SignalingHost {
    const service = this;
    return {
      get config() {
        return service.config;
      },
      get status() {
        return service._status;
      },
      get ice() {
        return service.iceControl.ice;
      },
      get stableId() {
        return service.stableId;
      },
      roomSignal: (peer, frame) => void this.beacons?.then((asks) => asks.answered(peer, frame)),
      setStatus: (status) => this.setStatus(status),
      emitError: (error) => this.emitError(error),
      abandoned: () => {
        this.opening = undefined;
      },
      registered: () => {
        if (typeof window !== 'undefined') window.addEventListener('pagehide', this.registry.onPageHide);
        // After the first registration `registered` means "back after an outage": restart stalled first dials.
        queueMicrotask(() => {
          this.registry.signalingBack();
          this.iceControl.registered();
        });
      },
      incoming: (conn) => this.registry.attach(conn, conn.peer),
      unavailable: (target, error) => this.registry.peerUnavailable(target, error),
      admitOffer: (peer) => this.registry.admitOffer(peer),
      isPinned: (peer) => !!this.pins[peer],
      signalDropped: (peer, reason, detail) => this.registry.signalDropped(peer, reason, detail),
      iceSignal: (peer, connectionId, frame) => this.links.get(peer)?.signaledIce(connectionId, frame),
    };
  }

  private iceHost(): IceControlHost {
    const service = this;
    return {
      get config() {
        return service.config;
      },
      links: this.links,
      get open() {
        return service._status === 'open';
      },
      signalingState: () => {
        const url = this.signaling.signalingUrl();
        return { status: this._status, url, ...(this.lastError ? { errorCode: this.lastError.code } : {}) };
      },
      dispatchEvent: (event) => this.dispatchEvent(event),
      emitError: (error) => this.emitError(error),
    };
  }

  private registryHost(): LinkRegistryHost {
    const service = this;
    return {
      get config() {
        return service.config;
      },
      session: this.session,
      get status() {
        return service._status;
      },
      get identity() {
        return service.myIdentity;
      },
      get localId() {
        return service.signaling.registeredId;
      },
      get linkLayer() {
        return service.signaling.linkLayer;
      },
      pinnedKey: (peer) => this.pins[peer],
      hasChannel: (name) => !!this.channels.get(name)?.size,
      deliver: (peer, channel, payload) => this.deliver(peer, channel, payload),
      deliverBulk: (peer, frame) => this.deliverBulk(peer, frame),
      dial: (peer) => this.signaling.dial(peer),
      signalIce: (peer, connectionId, frame) => this.signaling.signalIce(peer, connectionId, frame),
      iceSettled: (peer) => this.iceControl.turn.settled(peer),
      pathLost: (peer) => this.iceControl.turn.peerLost(peer),
      dispatchEvent: (event) => this.dispatchEvent(event),
      emitError: (error, peer) => this.emitError(error, peer),
    };
  }

  /** Kept on the service: link-recovery.test.ts reaches it by a cast (what giveUp() does, without the wait). */
  private dropLink(peerId: string, error: DarkswapConnectionError, by?: string): void {
    this.registry.dropLink(peerId, error, by);
  }

  private deliver(peerId: string, channel: string, payload: string): RejectReason | undefined {
    const handles = this.channels.get(channel);
    if (!handles?.size) return 'unknown-channel';
    this.budget.record('received', peerId, channel, utf8Length(payload), false);
    const parsed: { value?: unknown; failed?: boolean } = {};
    let reason: RejectReason | undefined;
    for (const handle of [...handles]) reason = handle.receive(payload, parsed, peerId) ?? reason;
    return reason;
  }

  private deliverBulk(peerId: string, frame: BulkFrame): RejectReason | undefined {
    const handles = this.bulkChannels.get(frame.channel);
    if (!handles?.size) return 'unknown-channel';
    this.budget.record('received', peerId, frame.channel, bulkFrameBytes(frame), true);
    let reason: RejectReason | undefined;
    for (const handle of [...handles]) reason = handle.receive(frame.header, frame.data, peerId) ?? reason;
    return reason;
  }

  private error(code: ConnectionErrorCode, message: string, cause?: unknown): DarkswapConnectionError {
    return new DarkswapConnectionError(code, message, cause === undefined ? undefined : { cause });
  }

  /** The last service-level (not per-peer) error, for the doctor. */
  private lastError: DarkswapConnectionError | undefined;

  private emitError(error: DarkswapConnectionError, peer?: string): void {
    if (!peer) this.lastError = error;
    this.dispatchEvent(new ServiceErrorEvent(error, peer));
  }

  private setStatus(status: ServiceStatus): void {
    if (status === this._status) return;
    const previous = this._status;
    this._status = status;
    this.dispatchEvent(new ServiceStatusEvent(status, previous));
  }
}
