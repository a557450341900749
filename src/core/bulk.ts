import * as v from 'valibot';
import type { MessageSchema } from './channel.js';
import { DarkswapConnectionError } from './errors.js';
import { isValidChannelName, MAX_FRAME_BYTES, type RejectReason } from './frame.js';

/**
 * Bulk traffic (file chunks) travels on a second data channel of each link, so it never delays
 * control, trade or chat messages. One binary frame per message:
 * `[version=1][name length][name][header length u16 BE][header JSON][data…]`.
 * The sender waits while the data channel holds more than BULK_HIGH_WATER bytes and resumes at
 * BULK_LOW_WATER — far below the ~16 MiB at which Chromium closes a channel.
 */
export const BULK_HIGH_WATER = 4 * 1024 * 1024;
export const BULK_LOW_WATER = 1024 * 1024;
/** Negotiated stream id of the bulk data channel (both sides create it; no signaling round trip). */
export const BULK_STREAM_ID = 1000;
export const DEFAULT_MAX_HEADER_BYTES = 1024;

export interface BulkChannelOptions<H> {
  /** Schema of the JSON header sent with every chunk (checked both ways). */
  schema: MessageSchema<H>;
  /** Largest header in UTF-8 bytes (default 1 KiB, at most 16 KiB). */
  maxHeaderBytes?: number;
}

export type BulkHandler<H> = (header: H, data: Uint8Array, from: string) => void;

export interface BulkHost {
  /**
   * Hand one frame of bulk channel `channel` to the peer's bulk data channel, waiting for the page's bandwidth
   * budget (see bandwidth.ts) and for room below the high-water mark.
   */
  sendBulk(peer: string, frame: Uint8Array, channel: string): Promise<void>;
  /** The largest frame the peer's link accepts (its SCTP max message size, capped at 256 KiB). */
  maxBulkFrame(peer: string): number;
  removeBulk(channel: BulkEndpoint): void;
}

export interface BulkEndpoint {
  readonly name: string;
  receive(headerText: string, data: Uint8Array, from: string): RejectReason | undefined;
  close(): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeBulkFrame(name: string, headerJson: string, data: Uint8Array): Uint8Array {
  const nameBytes = encoder.encode(name);
  const header = encoder.encode(headerJson);
  const frame = new Uint8Array(4 + nameBytes.length + header.length + data.length);
  frame[0] = 1;
  frame[1] = nameBytes.length;
  frame.set(nameBytes, 2);
  const at = 2 + nameBytes.length;
  frame[at] = header.length >> 8;
  frame[at + 1] = header.length & 0xff;
  frame.set(header, at + 2);
  frame.set(data, at + 2 + header.length);
  return frame;
}

export interface BulkFrame {
  channel: string;
  header: string;
  data: Uint8Array;
}

/** The size on the wire of a decoded frame (what `encodeBulkFrame` made of it). */
export function bulkFrameBytes(frame: BulkFrame): number {
  return 4 + encoder.encode(frame.channel).length + encoder.encode(frame.header).length + frame.data.length;
}

export function decodeBulkFrame(data: unknown): BulkFrame | RejectReason {
  if (!(data instanceof ArrayBuffer)) return 'malformed-frame';
  if (data.byteLength > MAX_FRAME_BYTES) return 'too-large';
  const bytes = new Uint8Array(data);
  if (bytes.length < 4 || bytes[0] !== 1) return 'malformed-frame';
  const nameLength = bytes[1];
  const at = 2 + nameLength;
  if (nameLength < 1 || nameLength > 32 || bytes.length < at + 2) return 'malformed-frame';
  const headerLength = (bytes[at] << 8) | bytes[at + 1];
  if (bytes.length < at + 2 + headerLength) return 'malformed-frame';
  let channel: string;
  let header: string;
  try {
    channel = decoder.decode(bytes.subarray(2, at));
    header = decoder.decode(bytes.subarray(at + 2, at + 2 + headerLength));
  } catch {
    return 'malformed-frame';
  }
  if (!isValidChannelName(channel)) return 'malformed-frame';
  return { channel, header, data: bytes.subarray(at + 2 + headerLength) };
}

/**
 * A named bulk endpoint: `send(peer, header, data)` resolves once the frame is handed to the
 * link (waiting while the link is saturated), so a send loop gets backpressure for free.
 * Bulk frames are delivered in order while a link lives but are not resent across a re-dial:
 * protocols on top (file transfer) resume by themselves.
 */
export class BulkChannel<H> implements BulkEndpoint {
  readonly schema: MessageSchema<H>;
  readonly maxHeaderBytes: number;
  private readonly handlers = new Set<BulkHandler<H>>();
  private closed = false;

  constructor(
    private readonly host: BulkHost,
    readonly name: string,
    options: BulkChannelOptions<H>,
  ) {
    if (!isValidChannelName(name)) {
      throw new DarkswapConnectionError('channel-invalid', `Invalid bulk channel name "${name}".`);
    }
    if (!options || typeof options.schema !== 'object' || options.schema === null) {
      throw new DarkswapConnectionError('channel-invalid', `Bulk channel "${name}" needs a valibot schema for its header.`);
    }
    const max = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
    if (!Number.isInteger(max) || max < 2 || max > 16_384) {
      throw new DarkswapConnectionError('channel-invalid', `Bulk channel "${name}": maxHeaderBytes must be 2..16384.`);
    }
    this.schema = options.schema;
    this.maxHeaderBytes = max;
  }

  /** The most data bytes one `send` to this peer can carry (with a header of maximum size). */
  maxChunkBytes(peer: string): number {
    return this.host.maxBulkFrame(peer) - 4 - encoder.encode(this.name).length - this.maxHeaderBytes;
  }

  /**
   * Send one chunk; resolves when the bandwidth budget allows it and the link has room for it. Rejects with
   * `link-closed` if the link drops, `destroyed` if the service is destroyed while it waits.
   */
  async send(peer: string, header: H, data: Uint8Array = new Uint8Array(0)): Promise<void> {
    if (this.closed) throw new DarkswapConnectionError('channel-invalid', `Bulk channel "${this.name}" is closed.`);
    const result = v.safeParse(this.schema, header);
    if (!result.success) {
      throw new DarkswapConnectionError('message-invalid', `Header for bulk channel "${this.name}" does not match its schema: ${result.issues[0].message}`);
    }
    const json = JSON.stringify(result.output);
    if (encoder.encode(json).length > this.maxHeaderBytes) {
      throw new DarkswapConnectionError('message-too-large', `Header for bulk channel "${this.name}" exceeds ${this.maxHeaderBytes} bytes.`);
    }
    const frame = encodeBulkFrame(this.name, json, data);
    const limit = this.host.maxBulkFrame(peer);
    if (frame.length > limit) {
      throw new DarkswapConnectionError(
        'message-too-large',
        `Bulk frame of ${frame.length} bytes exceeds the ${limit} bytes peer ${peer} accepts; send at most maxChunkBytes() of data.`,
      );
    }
    await this.host.sendBulk(peer, frame, this.name);
  }

  on(handler: BulkHandler<H>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.host.removeBulk(this);
  }

  /** @internal */
  receive(headerText: string, data: Uint8Array, from: string): RejectReason | undefined {
    if (encoder.encode(headerText).length > this.maxHeaderBytes) return 'too-large';
    let parsed: unknown;
    try {
      parsed = JSON.parse(headerText);
    } catch {
      return 'bad-json';
    }
    const result = v.safeParse(this.schema, parsed);
    if (!result.success) return 'invalid';
    for (const handler of [...this.handlers]) {
      try {
        handler(result.output, data, from);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return undefined;
  }
}
