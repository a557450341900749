/**
 * The in-memory transport: a `ConnectionApi` whose links are function calls between services in one page, for the
 * state gallery (demo/gallery.html) and for tests that need a widget's feature running for real without a
 * signaling server or WebRTC. Channels are the real `Channel`/`BulkChannel` classes (every message is validated
 * and serialised to JSON text both ways, as on a data channel); only the wire is a queue.
 *
 * What a real network decides (the service's status, a link dropping into `reconnecting`, an error) is set by
 * hand: `setStatus()`, `setLinkStatus()`. Nothing here opens a socket.
 */
import { BulkChannel, decodeBulkFrame, type BulkChannelOptions, type BulkEndpoint, type BulkHost } from './bulk.js';
import { Channel, type ChannelEndpoint, type ChannelHost, type ChannelOptions, type SendOptions } from './channel.js';
import type { ConnectionApi, RejectCounts } from './connection-api.js';
import type { Finding } from './doctor.js';
import { DarkswapConnectionError } from './errors.js';
import { PeerEvent, ServiceErrorEvent, ServiceStatusEvent, type LinkStatus, type ServiceStatus } from './events.js';
import { createIdentity, shortAuthString, type Identity } from './identity.js';
import type { IceSettings } from './ice.js';
import type { PeerIdentity } from './link.js';
import { verdictOf, type LinkSample, type StatsListener } from './link-stats.js';
import { utf8Length } from './frame.js';

/** The services that can link to each other (one "signaling server" in memory). */
export class MemoryNetwork {
  readonly services = new Map<string, MemoryConnection>();
  private counter = 0;

  /** A new service on this network with a fresh identity key; `open` registers it (status `open`). */
  async service(options: { id?: string; identityName?: string; open?: boolean } = {}): Promise<MemoryConnection> {
    const id = options.id ?? `memory-${++this.counter}`;
    if (this.services.has(id)) throw new DarkswapConnectionError('peer-id-taken', `Peer id "${id}" is taken on this memory network.`);
    const service = new MemoryConnection(this, id, await createIdentity(), options.identityName);
    this.services.set(id, service);
    if (options.open ?? true) await service.open();
    return service;
  }

  /** Two open services with an open link between them. */
  async pair(names: [string?, string?] = []): Promise<[MemoryConnection, MemoryConnection]> {
    const a = await this.service({ id: names[0] });
    const b = await this.service({ id: names[1] });
    await a.connect(b.id);
    return [a, b];
  }
}

interface MemoryLink {
  state: LinkStatus;
  identity: PeerIdentity;
  /** Reliable messages sent while the link was not open, delivered when it opens again. */
  held: (() => void)[];
  /** Bytes that crossed this link each way (what its statistics report). */
  bytesIn: number;
  bytesOut: number;
  history: LinkSample[];
}

/** How often a watched in-memory link is sampled, and how much history is kept (as the real links: 5 min). */
const SAMPLE_MS = 1_000;
const HISTORY = 300;

const NO_REJECTS: RejectCounts = Object.freeze({ total: 0, byReason: Object.freeze({}) });

/** One in-memory service: see the module comment. */
export class MemoryConnection extends EventTarget implements ConnectionApi, ChannelHost, BulkHost {
  readonly apiVersion = 1 as const;
  readonly blockedPeers: ReadonlyMap<string, number> = new Map();
  readonly iceConfiguration: RTCConfiguration = { iceServers: [] };
  private _status: ServiceStatus = 'idle';
  private readonly links = new Map<string, MemoryLink>();
  private readonly channels = new Map<string, Set<ChannelEndpoint>>();
  private readonly bulkChannels = new Map<string, Set<BulkEndpoint>>();

  constructor(
    private readonly network: MemoryNetwork,
    readonly id: string,
    readonly identity: Identity,
    readonly identityName: string | undefined = undefined,
  ) {
    super();
  }

  get status(): ServiceStatus {
    return this._status;
  }

  get publicKey(): string {
    return this.identity.publicKey;
  }

  get peers(): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open').map(([p]) => p);
  }

  /** Put the service in any status (what signaling would do): `connecting`, `reconnecting`, `error`… */
  setStatus(status: ServiceStatus, error?: DarkswapConnectionError): void {
    const previous = this._status;
    if (status === previous) return;
    this._status = status;
    this.dispatchEvent(new ServiceStatusEvent(status, previous));
    if (error) this.dispatchEvent(new ServiceErrorEvent(error));
  }

  async open(): Promise<string> {
    if (this._status === 'closed') throw new DarkswapConnectionError('destroyed', 'This service was destroyed.');
    this.setStatus('open');
    return this.id;
  }

  linkStatus(peer: string): LinkStatus | undefined {
    return this.links.get(peer)?.state;
  }

  peerIdentity(peer: string): PeerIdentity | undefined {
    return this.links.get(peer)?.identity;
  }

  rejects(): RejectCounts {
    return NO_REJECTS;
  }

  async pin(peer: string): Promise<void> {
    const link = this.links.get(peer);
    if (link) link.identity = { ...link.identity, pinned: true };
  }

  async unpin(peer: string): Promise<void> {
    const link = this.links.get(peer);
    if (link) link.identity = { ...link.identity, pinned: false };
  }

  unblock(): void {}

  /** Link to another service of the same network; both sides see `peer-connected`. */
  async connect(peer: string): Promise<void> {
    const other = this.network.services.get(peer);
    if (!other || other === this || other._status === 'closed') {
      throw new DarkswapConnectionError('unknown-peer', `No peer "${peer}" on this memory network.`);
    }
    if (this.links.get(peer)?.state === 'open') return;
    const sas = await shortAuthString({ publicKey: this.publicKey, fingerprint: this.id }, { publicKey: other.publicKey, fingerprint: other.id });
    this.attach(other, sas);
    other.attach(this, sas);
  }

  private attach(other: MemoryConnection, sas: string): void {
    const existing = this.links.get(other.id);
    const identity: PeerIdentity = { publicKey: other.publicKey, sas, localFingerprint: this.id, remoteFingerprint: other.id, pinned: false };
    if (existing) {
      existing.state = 'open';
      existing.identity = identity;
    } else {
      this.links.set(other.id, { state: 'open', identity, held: [], bytesIn: 0, bytesOut: 0, history: [] });
    }
    this.dispatchEvent(new PeerEvent('peer-connected', other.id));
    for (const deliver of existing?.held.splice(0) ?? []) deliver();
  }

  /**
   * Move the link to `peer` (on both sides) to `connecting` or `reconnecting` (what a dropped data channel does),
   * or back to `open` (then messages held meanwhile are delivered).
   */
  setLinkStatus(peer: string, state: LinkStatus): void {
    const other = this.network.services.get(peer);
    for (const [side, remote] of [
      [this, peer],
      [other, this.id],
    ] as const) {
      const link = side?.links.get(remote);
      if (!side || !link || link.state === state) continue;
      link.state = state;
      side.dispatchEvent(new PeerEvent(state === 'open' ? 'peer-connected' : state === 'connecting' ? 'peer-connecting' : 'peer-reconnecting', remote));
      if (state === 'open') for (const deliver of link.held.splice(0)) deliver();
    }
  }

  disconnect(peer: string): void {
    const other = this.network.services.get(peer);
    this.detach(peer, 'closed');
    other?.detach(this.id, 'closed by peer');
  }

  private detach(peer: string, reason: string): void {
    if (!this.links.delete(peer)) return;
    this.dispatchEvent(new PeerEvent('peer-disconnected', peer, reason));
  }

  channel<T>(name: string, options: ChannelOptions<T>): Channel<T> {
    this.assertUsable();
    const channel = new Channel<T>(this, name, options);
    let set = this.channels.get(name);
    if (!set) this.channels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  bulkChannel<H>(name: string, options: BulkChannelOptions<H>): BulkChannel<H> {
    this.assertUsable();
    const channel = new BulkChannel<H>(this, name, options);
    let set = this.bulkChannels.get(name);
    if (!set) this.bulkChannels.set(name, (set = new Set()));
    set.add(channel);
    return channel;
  }

  /** @internal ChannelHost: the message is delivered as JSON text in a later task, like a data channel's. */
  sendMessage(peer: string, channel: string, json: string, options: SendOptions): void {
    const link = this.links.get(peer);
    if (!link) throw new DarkswapConnectionError('unknown-peer', `Not connected to peer ${peer}.`);
    const deliver = () => {
      link.bytesOut += utf8Length(json);
      this.network.services.get(peer)?.deliver(this.id, channel, json);
    };
    if (link.state === 'open') setTimeout(deliver, 0);
    else if (options.reliable) link.held.push(deliver);
  }

  /** @internal ChannelHost */
  broadcastPeers(reliable: boolean): readonly string[] {
    return [...this.links].filter(([, l]) => l.state === 'open' || (reliable && l.state === 'reconnecting')).map(([p]) => p);
  }

  /** @internal ChannelHost */
  removeChannel(channel: ChannelEndpoint): void {
    this.channels.get(channel.name)?.delete(channel);
  }

  /** @internal BulkHost */
  async sendBulk(peer: string, frame: Uint8Array): Promise<void> {
    if (this.links.get(peer)?.state !== 'open') throw new DarkswapConnectionError('link-closed', `No open link to ${peer}.`);
    const copy = frame.slice().buffer;
    this.links.get(peer)!.bytesOut += copy.byteLength;
    setTimeout(() => this.network.services.get(peer)?.deliverBulk(this.id, copy), 0);
  }

  /** @internal BulkHost */
  maxBulkFrame(): number {
    return 262_144;
  }

  /** @internal BulkHost */
  removeBulk(channel: BulkEndpoint): void {
    this.bulkChannels.get(channel.name)?.delete(channel);
  }

  private deliver(from: string, channel: string, json: string): void {
    const link = this.links.get(from);
    if (!link) return;
    link.bytesIn += utf8Length(json);
    const parsed: { value?: unknown; failed?: boolean } = {};
    for (const endpoint of [...(this.channels.get(channel) ?? [])]) endpoint.receive(json, parsed, from);
  }

  private deliverBulk(from: string, data: ArrayBuffer): void {
    const link = this.links.get(from);
    if (!link) return;
    link.bytesIn += data.byteLength;
    const frame = decodeBulkFrame(data);
    if (typeof frame === 'string') return;
    for (const endpoint of [...(this.bulkChannels.get(frame.channel) ?? [])]) endpoint.receive(frame.header, frame.data, from);
  }

  setIce(_settings: IceSettings): void {}

  /**
   * Samples of the in-memory link: the bytes that crossed it each second; no round-trip time, path or loss (there
   * is no network to measure), so the verdict is what the kit's rules give an unknown RTT.
   */
  watchStats(peer: string, listener: StatsListener): () => void {
    const link = this.links.get(peer);
    if (!link) throw new DarkswapConnectionError('unknown-peer', `Not connected to peer ${peer}.`);
    let last = { at: performance.now(), bytesIn: link.bytesIn, bytesOut: link.bytesOut };
    let stopped = false;
    const sample = () => {
      if (stopped) return;
      const now = { at: performance.now(), bytesIn: link.bytesIn, bytesOut: link.bytesOut };
      const seconds = Math.max((now.at - last.at) / 1000, 0.001);
      const s: LinkSample = {
        at: now.at,
        path: 'unknown',
        protocol: 'unknown',
        inBps: Math.round((now.bytesIn - last.bytesIn) / seconds),
        outBps: Math.round((now.bytesOut - last.bytesOut) / seconds),
        verdict: verdictOf(undefined, undefined),
      };
      last = now;
      link.history = [...link.history.slice(-(HISTORY - 1)), s];
      listener(s);
    };
    const timer = setInterval(sample, SAMPLE_MS);
    queueMicrotask(sample);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }

  async stats(peer: string): Promise<{ latest: LinkSample | undefined; history: readonly LinkSample[] } | undefined> {
    const link = this.links.get(peer);
    return link && { latest: link.history[link.history.length - 1], history: link.history };
  }

  async diagnose(): Promise<Finding[]> {
    return [];
  }

  destroy(): void {
    if (this._status === 'closed') return;
    for (const peer of [...this.links.keys()]) this.disconnect(peer);
    for (const set of this.channels.values()) for (const ch of [...set]) ch.close();
    for (const set of this.bulkChannels.values()) for (const ch of [...set]) ch.close();
    this.setStatus('closed');
    this.network.services.delete(this.id);
  }

  private assertUsable(): void {
    if (this._status === 'closed') throw new DarkswapConnectionError('destroyed', 'This service was destroyed.');
  }
}
