import { BULK_LOW_WATER, BULK_STREAM_ID } from './bulk.js';
import type { Hello } from './control.js';
import type { DataConnection } from './signaling.js';

/** One PeerJS DataConnection (plus its negotiated bulk data channel) carrying a link. */
export class Wire {
  /** I verified the other side's hello on this wire. */
  ready = false;
  /**
   * The other side confirmed (`_ready`) that it verified my hello on this wire: only then do data
   * frames go out, so none lands in its pre-handshake backlog (or beyond it, refused).
   */
  peerReady = false;
  closed = false;
  helloSeen = false;
  /** Resolves true once my hello is on the wire (false if it could not be sent). */
  helloSent: Promise<boolean> | undefined;
  /** My hello, signed ahead of time once both SDP descriptions are known. */
  helloPrepared: Promise<Hello> | undefined;
  /** Frames that arrive before the handshake completes (early, or while verifying), replayed after. */
  backlog: unknown[] = [];
  backlogChars = 0;
  /** Re-sends my hello until the other side's arrives (a first message can be lost at open). */
  helloRetry: ReturnType<typeof setInterval> | undefined;
  /** Bulk frames that arrive before the handshake completes (a few at most), replayed after. */
  bulkBacklog: ArrayBuffer[] = [];
  readonly bulk: RTCDataChannel | undefined;

  constructor(
    readonly conn: DataConnection,
    readonly dialer: string,
  ) {
    let bulk: RTCDataChannel | undefined;
    try {
      bulk = conn.peerConnection?.createDataChannel('darkswap-bulk', {
        negotiated: true,
        id: BULK_STREAM_ID,
        ordered: true,
        priority: 'very-low',
      } as RTCDataChannelInit);
      if (bulk) {
        bulk.binaryType = 'arraybuffer';
        bulk.bufferedAmountLowThreshold = BULK_LOW_WATER;
      }
    } catch {
      bulk = undefined;
    }
    this.bulk = bulk;
  }

  get dc(): RTCDataChannel | undefined {
    return this.conn.dataChannel;
  }

  get pc(): RTCPeerConnection | undefined {
    return this.conn.peerConnection;
  }

  /** The link's SCTP max message size (both ends' minimum), capped at 256 KiB. */
  get maxMessageSize(): number {
    const size = this.pc?.sctp?.maxMessageSize ?? 262_144;
    return Math.min(size > 0 ? size : 262_144, 262_144);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.helloRetry);
    this.backlog = [];
    this.bulkBacklog = [];
    try {
      this.bulk?.close();
    } catch {
      /* already closed */
    }
    this.conn.close();
  }
}
