import { buildHello, verifyHello, type Hello } from './control.js';
import { DarkswapConnectionError } from './errors.js';
import { encodeFrame, type RejectReason } from './frame.js';
import { dtlsFingerprint, shortAuthString, type Identity } from './identity.js';
import { MESSAGE_LOW_WATER } from './link-outbound.js';
import type { LinkLimits } from './rate-limit.js';
import type { Wire } from './wire.js';

const HELLO_RETRY_MS = 100;

/** The link's owner as far as the handshake is concerned (a `LinkOwner` is one). */
export interface HandshakeOwner {
  readonly session: string;
  readonly identity: Identity;
  readonly limits: LinkLimits;
  readonly handshakeTimeoutMs: number;
  pinnedKey(peer: string): string | undefined;
  /** Whether this identity key is blocked (under any peer id). */
  keyBlocked(key: string): boolean;
}

/** The peer a link authenticated before (on an earlier wire). */
export interface KnownPeer {
  readonly session: string;
  readonly key: string;
}

/** The other side's hello, verified against this wire, with my hello on the wire before it. */
export interface VerifiedHello {
  hello: Hello;
  /** DTLS fingerprints of this wire: mine and the peer's. */
  local: string;
  remote: string;
  /** The short authentication string both sides compute. */
  sas: string;
  /** Whom the link knew before this hello arrived. */
  known: KnownPeer | undefined;
}

/** What the handshake needs from its link. */
export interface HandshakeLink {
  readonly peer: string;
  /** The link's current wire. */
  current(): Wire | undefined;
  /** Whether the link was disposed. */
  disposed(): boolean;
  /** The peer the link last authenticated, if any. */
  known(): KnownPeer | undefined;
  /** What the link received per reliable channel (my hello's `recv`). */
  received(): Record<string, number>;
  /** Write queued frames (the message channel's buffer drained). */
  flush(): void;
  lost(wire: Wire, why: string): void;
  reject(channel: string | undefined, reason: RejectReason): void;
  /** Authentication failed on `wire`. */
  fail(wire: Wire, error: DarkswapConnectionError): void;
  /** The wire is authenticated: the link takes it into use. */
  verified(wire: Wire, result: VerifiedHello): void;
}

/**
 * The hello handshake of one link, per wire: both sides send a hello signing both DTLS
 * fingerprints as soon as the data channel opens (signed ahead, re-sent until the other side's
 * arrives), nothing else is accepted before it, and a wire whose hello does not come within the
 * handshake timeout is dropped.
 */
export class Handshake {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly owner: HandshakeOwner,
    private readonly link: HandshakeLink,
  ) {}

  /** Stop waiting for the other side's hello (the wire went away, or the hello came). */
  clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The wire's data channel opened: send my hello and start the handshake deadline. */
  start(wire: Wire): void {
    const link = this.link;
    if (wire !== link.current() || wire.closed || wire.helloSent || link.disposed()) return;
    const dc = wire.dc;
    const pc = wire.pc;
    const local = dtlsFingerprint(pc?.currentLocalDescription?.sdp ?? pc?.localDescription?.sdp);
    const remote = dtlsFingerprint(pc?.currentRemoteDescription?.sdp ?? pc?.remoteDescription?.sdp);
    if (!dc || !local || !remote) {
      // Seen once in ~20 bench runs, not reproduced in 150 looped connects: say what was missing.
      const state = pc ? `${pc.signalingState}/${pc.connectionState}` : 'no peer connection';
      link.lost(wire, `no-fingerprint: ${state}, channel ${dc?.readyState ?? 'none'}, local ${local ? 'ok' : 'none'}, remote ${remote ? 'ok' : 'none'}`);
      return;
    }
    dc.bufferedAmountLowThreshold = MESSAGE_LOW_WATER;
    dc.addEventListener('bufferedamountlow', () => link.flush());
    this.timer = setTimeout(() => {
      if (wire !== link.current() || wire.ready) return;
      const early = wire.backlog.length + wire.bulkBacklog.length;
      for (let i = 0; i < early; i++) link.reject(undefined, 'no-handshake');
      link.lost(wire, 'handshake-timeout');
    }, this.owner.handshakeTimeoutMs);
    wire.helloSent = this.send(wire, local, remote, false);
    wire.helloRetry = setInterval(() => {
      if (wire !== link.current() || wire.closed || wire.helloSeen || link.disposed()) return clearInterval(wire.helloRetry);
      void this.send(wire, local, remote, false);
    }, HELLO_RETRY_MS);
  }

  /** Sign my hello ahead once both descriptions of the wire's peer connection are set. */
  readonly signalingChanged = (wire: Wire): void => {
    const pc = wire.pc;
    if (wire !== this.link.current() || wire.helloPrepared || pc?.signalingState !== 'stable') return;
    const local = dtlsFingerprint(pc.currentLocalDescription?.sdp);
    const remote = dtlsFingerprint(pc.currentRemoteDescription?.sdp);
    if (local && remote) void this.prepare(wire, local, remote).catch(() => undefined);
  };

  /** A well-formed `_hello` arrived on the wire. */
  receive(wire: Wire, hello: Hello): void {
    if (wire.helloSeen) {
      // A repeat: the other side has not got mine yet. Answer with mine, marked as having seen theirs.
      if (!hello.seen && wire.helloPrepared) void wire.helloPrepared.then((h) => this.resend(wire, h));
      return;
    }
    wire.helloSeen = true;
    clearInterval(wire.helloRetry);
    void this.verify(wire, hello);
  }

  /** Send my (signed ahead) hello; `seen` tells the other side I already have its hello. */
  private send(wire: Wire, local: string, remote: string, seen: boolean): Promise<boolean> {
    const link = this.link;
    return this.prepare(wire, local, remote).then(
      (hello) => {
        if (wire !== link.current() || wire.closed || link.disposed()) return false;
        try {
          wire.dc!.send(encodeFrame('_hello', JSON.stringify({ ...hello, seen })));
          return true;
        } catch {
          link.lost(wire, 'send-failed');
          return false;
        }
      },
      () => {
        link.lost(wire, 'signing-failed');
        return false;
      },
    );
  }

  private resend(wire: Wire, hello: Hello): void {
    const link = this.link;
    if (wire !== link.current() || wire.closed || link.disposed()) return;
    try {
      wire.dc?.send(encodeFrame('_hello', JSON.stringify({ ...hello, seen: true })));
    } catch {
      link.lost(wire, 'send-failed');
    }
  }

  /**
   * Sign my hello as soon as both descriptions are set — while ICE, DTLS and SCTP are still
   * coming up — so opening the channel does not wait for the signature. A `recv` map that is
   * stale by then only makes the other side resend a few messages I drop as duplicates.
   */
  private prepare(wire: Wire, local: string, remote: string): Promise<Hello> {
    wire.helloPrepared ??= buildHello({
      identity: this.owner.identity,
      session: this.owner.session,
      known: this.link.known()?.session ?? null,
      localFingerprint: local,
      remoteFingerprint: remote,
      recv: this.link.received(),
      limits: this.owner.limits,
    });
    return wire.helloPrepared;
  }

  /** Check the other side's hello against this wire and the pinned key; hand the wire over once mine is out too. */
  private async verify(wire: Wire, hello: Hello): Promise<void> {
    const link = this.link;
    const pc = wire.pc;
    const local = dtlsFingerprint(pc?.currentLocalDescription?.sdp ?? pc?.localDescription?.sdp);
    const remote = dtlsFingerprint(pc?.currentRemoteDescription?.sdp ?? pc?.remoteDescription?.sdp);
    const stale = () => wire !== link.current() || wire.closed || link.disposed();
    const mismatch = (why: string) => {
      if (stale()) return;
      link.fail(wire, new DarkswapConnectionError('identity-mismatch', `Peer ${link.peer} failed authentication: ${why}.`));
    };
    const sasPromise =
      local && remote
        ? shortAuthString({ publicKey: this.owner.identity.publicKey, fingerprint: local }, { publicKey: hello.key, fingerprint: remote })
        : Promise.resolve('');
    const proofOk = !!local && !!remote && (await verifyHello(hello, local, remote));
    if (stale()) return;
    if (!proofOk || !local || !remote) {
      return mismatch("its signature does not cover this connection's DTLS fingerprints (a man in the middle, or a tampered handshake)");
    }
    if (this.owner.keyBlocked(hello.key)) {
      if (stale()) return;
      return link.fail(wire, new DarkswapConnectionError('peer-blocked', `Peer ${link.peer} presents the identity key of a blocked peer.`));
    }
    const pinned = this.owner.pinnedKey(link.peer);
    if (pinned && pinned !== hello.key) return mismatch(`its key ${hello.key.slice(0, 16)}… is not the pinned ${pinned.slice(0, 16)}…`);
    const known = link.known();
    if (known && known.session === hello.session && known.key !== hello.key) {
      return mismatch('the same session came back with a different identity key');
    }
    // The other side's hello can be processed before PeerJS told me the channel is open.
    if (!wire.helloSent) this.start(wire);
    const sas = await sasPromise;
    // My own hello must be out before anything else I send on this wire.
    const sent = await (wire.helloSent ?? Promise.resolve(false));
    if (stale() || !sent) return;
    this.clearTimer();
    link.verified(wire, { hello, local, remote, sas, known });
  }
}
