/**
 * Media for calls on a link's **own** RTCPeerConnection — the one whose DTLS fingerprints the link's hello
 * authenticated. An audio and a video transceiver are added once per connection by renegotiating it over the
 * link (link-ice.ts); then every change — mute, camera off, another microphone, a screen share, the next call —
 * is a `replaceTrack` with no renegotiation. Because media shares the link's DTLS transport (BUNDLE), the media
 * is bound to the authenticated identity; `verify()` checks it anyway: every fingerprint in the connection's
 * remote description, and where the browser exposes it the certificate of the transport the media uses, must
 * be the one the hello authenticated.
 *
 * Why not a PeerJS MediaConnection: a second connection would need its own ICE (a second TURN allocation, a
 * second NAT traversal) and its own fingerprint binding, and its offers travel through the signaling server;
 * renegotiating the link's connection needs none of that and reuses the link's path, TURN failover included.
 */
import { DarkswapConnectionError } from './errors.js';
import { dtlsFingerprint } from './identity.js';
import type { MediaLadderStep } from './media-constraints.js';
import type { MediaCounters, MediaSample } from './media-stats.js';
import { MEDIA_KINDS, mediaNegotiated, mediaTransceiver, type MediaKind } from './media-transceivers.js';

export type { MediaKind } from './media-transceivers.js';

/** What widgets and features see of a link's media (`service.media(peer)`). */
export interface MediaPath {
  readonly peer: string;
  /** The connection media is negotiated on now, as an opaque token: it changes when the link re-dials. */
  readonly connection: object | undefined;
  /** Resolves once the link's connection carries audio and video both ways (negotiates them the first time). */
  ready(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  /** Sends this track (or nothing) as the link's audio or video: `replaceTrack`, no renegotiation. */
  send(kind: MediaKind, track: MediaStreamTrack | null): Promise<void>;
  /** The peer's audio and video (tracks stay muted while the peer sends nothing). */
  readonly remote: MediaStream | undefined;
  /** Applies a ladder step to the video sender (`setParameters`, no renegotiation). */
  constrain(step: MediaLadderStep): Promise<void>;
  /** The video encoding limits in force (bits per second, scale), for displays and tests. */
  readonly encoding: { maxBitrate?: number; scaleResolutionDownBy?: number; maxFramerate?: number } | undefined;
  /** A media statistics sample (bitrates against the previous call of `sample`). */
  sample(): Promise<MediaSample | undefined>;
  /** Whether the media's DTLS transport is the one the link authenticated (see the module comment). */
  verify(): Promise<boolean>;
}

export interface MediaPathHost {
  /** The link's open connection and the remote fingerprint its hello authenticated; undefined while not open. */
  current(): { pc: RTCPeerConnection | undefined; remoteFingerprint: string } | undefined;
  /** Starts the media negotiation on the current connection (see link-ice.ts `negotiate`). */
  negotiate(): void;
}

const HASHES: Record<string, string> = { 'sha-256': 'SHA-256', 'sha-384': 'SHA-384', 'sha-512': 'SHA-512' };

async function certificateFingerprint(der: ArrayBuffer, algorithm: string): Promise<string | undefined> {
  const hash = HASHES[algorithm];
  if (!hash) return undefined;
  const digest = new Uint8Array(await crypto.subtle.digest(hash, der));
  return `${algorithm} ${Array.from(digest, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
}

export class LinkMediaPath implements MediaPath {
  private counters: MediaCounters | undefined;
  private countersOn: RTCPeerConnection | undefined;
  private remoteStream: { pc: RTCPeerConnection; stream: MediaStream } | undefined;

  constructor(
    readonly peer: string,
    private readonly host: MediaPathHost,
  ) {}

  get connection(): object | undefined {
    return this.host.current()?.pc;
  }

  private pc(): RTCPeerConnection {
    const pc = this.host.current()?.pc;
    if (!pc || pc.connectionState === 'closed') throw new DarkswapConnectionError('link-closed', `The link to ${this.peer} is not open.`);
    return pc;
  }

  async ready({ timeoutMs = 15_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const end = performance.now() + timeoutMs;
    let asked = 0;
    for (;;) {
      signal?.throwIfAborted();
      const pc = this.pc();
      if (mediaNegotiated(pc)) return;
      // Ask again now and then: a negotiation that met a re-dial or a rolled-back offer is started anew.
      if (performance.now() - asked > 5_000) {
        asked = performance.now();
        this.host.negotiate();
      }
      if (performance.now() > end)
        throw new DarkswapConnectionError('webrtc', `Audio and video could not be set up with ${this.peer} within ${Math.round(timeoutMs / 1000)} s.`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          pc.removeEventListener('signalingstatechange', done);
          resolve();
        };
        const timer = setTimeout(done, 250);
        pc.addEventListener('signalingstatechange', done);
      });
    }
  }

  async send(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    const t = mediaTransceiver(this.pc(), kind);
    if (!t) throw new DarkswapConnectionError('webrtc', `No ${kind} is set up with ${this.peer} yet: wait for ready().`);
    if (track && track.kind !== kind) throw new DarkswapConnectionError('invalid-config', `A ${track.kind} track cannot be sent as ${kind}.`);
    if (t.sender.track === track) return;
    await t.sender.replaceTrack(track);
  }

  get remote(): MediaStream | undefined {
    const pc = this.host.current()?.pc;
    if (!pc) return undefined;
    if (this.remoteStream?.pc === pc) return this.remoteStream.stream;
    const tracks = MEDIA_KINDS.map((kind) => mediaTransceiver(pc, kind)?.receiver.track).filter((t): t is MediaStreamTrack => !!t);
    if (tracks.length < MEDIA_KINDS.length) return undefined;
    this.remoteStream = { pc, stream: new MediaStream(tracks) };
    return this.remoteStream.stream;
  }

  async constrain(step: MediaLadderStep): Promise<void> {
    const video = mediaTransceiver(this.pc(), 'video');
    if (!video) throw new DarkswapConnectionError('webrtc', `No video is set up with ${this.peer} yet: wait for ready().`);
    // Loaded on first use (not in the runtime every page loads).
    const { applySendConstraints } = await import('./media-constraints.js');
    await applySendConstraints(video.sender, step);
  }

  get encoding(): MediaPath['encoding'] {
    const pc = this.host.current()?.pc;
    const e = pc && mediaTransceiver(pc, 'video')?.sender.getParameters().encodings?.[0];
    return e ? { maxBitrate: e.maxBitrate, scaleResolutionDownBy: e.scaleResolutionDownBy, maxFramerate: e.maxFramerate } : undefined;
  }

  async sample(): Promise<MediaSample | undefined> {
    const pc = this.host.current()?.pc;
    if (!pc || pc.connectionState === 'closed') return undefined;
    const [{ mediaSampleFrom }, stats] = await Promise.all([import('./media-stats.js'), pc.getStats()]);
    const report = stats as unknown as ReadonlyMap<string, Record<string, unknown> & { type: string }>;
    const { sample, counters } = mediaSampleFrom(report, this.countersOn === pc ? this.counters : undefined, performance.now());
    this.counters = counters;
    this.countersOn = pc;
    return sample;
  }

  async verify(): Promise<boolean> {
    const current = this.host.current();
    const pc = current?.pc;
    if (!pc) return false;
    const expected = current.remoteFingerprint;
    // Every fingerprint the remote description names (one per media section) must be the authenticated one.
    const sdp = pc.currentRemoteDescription?.sdp ?? '';
    const lines = sdp.split(/\r?\n/).filter((l) => l.startsWith('a=fingerprint:'));
    if (!lines.length || lines.some((l) => dtlsFingerprint(l) !== expected)) return false;
    // And the certificate the media's transport actually got, where the browser exposes it.
    for (const kind of MEDIA_KINDS) {
      const transport = mediaTransceiver(pc, kind)?.receiver.transport as (RTCDtlsTransport & { getRemoteCertificates?(): ArrayBuffer[] }) | null | undefined;
      const certs = transport?.getRemoteCertificates?.();
      if (!certs?.length) continue;
      const got = await certificateFingerprint(certs[0]!, expected.split(' ')[0]!);
      if (got !== undefined && got !== expected) return false;
    }
    return true;
  }
}
