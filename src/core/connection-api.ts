import type { BandwidthSettings, BandwidthState } from './bandwidth.js';
import type { IceSettings } from './ice.js';
import type { Finding } from './doctor.js';
import type { TurnServerReport } from './turn-pool.js';
import type { LinkSample, StatsListener } from './link-stats.js';
import type { BulkChannel, BulkChannelOptions } from './bulk.js';
import type { Channel, ChannelOptions } from './channel.js';
import type { Identity } from './identity.js';
import type { PeerIdentity } from './link.js';
import type { MediaPath } from './link-media.js';
import type { BeaconHandle } from './rendezvous.js';
import type { ConnectionServiceEventMap, LinkStatus, ServiceStatus } from './events.js';
import type { RejectReason } from './frame.js';

export interface RejectCounts {
  total: number;
  byReason: Partial<Record<RejectReason, number>>;
}

/**
 * What widgets see of a connection service (the value carried by the connection context).
 * Kept small and structural so two copies of the kit on one page can share one service.
 */
export interface ConnectionApi extends EventTarget {
  /** Version of this API; bumped with incompatible changes (the context key carries it too). */
  readonly apiVersion: 1;
  readonly status: ServiceStatus;
  /** My peer id once registered with signaling. */
  readonly id: string | undefined;
  /** Peers with an open link. */
  readonly peers: readonly string[];
  /** My identity key (raw Ed25519 public key, 64 hex) once open. */
  readonly publicKey: string | undefined;
  /** The name of my persistent identity (optional: older kits sharing the service lack it). */
  readonly identityName?: string | undefined;
  /** The identity that signs my link hellos; widgets sign with it too (orders). */
  readonly identity: Identity | undefined;
  linkStatus(peer: string): LinkStatus | undefined;
  /** Key, short authentication string and pin state of the peer on an open link. */
  peerIdentity(peer: string): PeerIdentity | undefined;
  rejects(peer: string): RejectCounts;
  /**
   * Audio and video for calls on the open link to `peer`, on the link's own authenticated connection (its code
   * loads on first use); undefined without an open link (optional: older kits sharing the service lack it).
   */
  media?(peer: string): Promise<MediaPath | undefined>;
  pin(peer: string, publicKey?: string): Promise<void>;
  unpin(peer: string): Promise<void>;
  readonly blockedPeers: ReadonlyMap<string, number>;
  unblock(peer: string): void;
  open(): Promise<string>;
  connect(peer: string): Promise<void>;
  disconnect(peer: string): void;
  channel<T>(name: string, options: ChannelOptions<T>): Channel<T>;
  bulkChannel<H>(name: string, options: BulkChannelOptions<H>): BulkChannel<H>;
  /** The ICE configuration links use now, and a runtime change of it (an ICE restart on open links). */
  readonly iceConfiguration: RTCConfiguration;
  setIce(settings: IceSettings): void;
  /** Live statistics of a link while watched; the latest sample and five minutes of history. */
  watchStats(peer: string, listener: StatsListener): () => void;
  stats(peer: string): Promise<{ latest: LinkSample | undefined; history: readonly LinkSample[] } | undefined>;
  /** With two or more TURN servers: their scores, best first (optional: older kits sharing the service lack it). */
  readonly turnServers?: readonly TurnServerReport[];
  /**
   * Bulk bandwidth: a page-wide cap (bytes/s), per-channel weights and a daily data cap; `null` clears a value.
   * Throws `invalid-config` for bad values (optional: older kits sharing the service lack it).
   */
  setBandwidth?(settings: BandwidthSettings): void;
  /** The bandwidth settings in force and usage today and this month (optional, like `setBandwidth`). */
  readonly bandwidth?: BandwidthState;
  /**
   * Rendezvous beacons (rendezvous.ts): hold a well-known id with a second signaling socket and answer askers,
   * or ask one (optional: older kits sharing the service lack them).
   */
  holdBeacon?(id: string, answer: (from: string) => unknown): Promise<BeaconHandle>;
  askBeacon?(id: string, timeoutMs?: number): Promise<unknown>;
  /** The connection doctor: plain-language findings with fixes. */
  diagnose(timeoutMs?: number): Promise<Finding[]>;
  destroy(): void;

  addEventListener<K extends keyof ConnectionServiceEventMap>(
    type: K,
    listener: (event: ConnectionServiceEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ConnectionServiceEventMap>(
    type: K,
    listener: (event: ConnectionServiceEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}
