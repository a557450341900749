import * as v from 'valibot';
import { DarkswapConnectionError } from './errors.js';
import { encodeFrame, isValidChannelName, MAX_FRAME_BYTES, utf8Length, type RejectReason } from './frame.js';

/** Any valibot schema; messages are checked with it on the way in and on the way out. */
export type MessageSchema<T = unknown> = v.GenericSchema<unknown, T>;

export interface ChannelOptions<T> {
  /** Every inbound (and outbound) message must match it. */
  schema: MessageSchema<T>;
  /** Largest accepted payload in UTF-8 bytes of its JSON text (default 16 KiB, at most 256 KiB). */
  maxBytes?: number;
}

export type MessageHandler<T> = (message: T, from: string) => void;

/** What a channel needs from the service it lives on. */
export interface ChannelHost {
  sendFrame(peer: string, frame: string): void;
  openPeers(): readonly string[];
  removeChannel(channel: ChannelEndpoint): void;
}

/** The part of a channel the service drives, independent of its message type. */
export interface ChannelEndpoint {
  readonly name: string;
  receive(payloadText: string, parsed: { value?: unknown; failed?: boolean }, from: string): RejectReason | undefined;
  close(): void;
}

export const DEFAULT_MAX_BYTES = 16_384;

/**
 * A named, typed endpoint multiplexed on every peer link of one service.
 * Obtain one with `service.channel(name, { schema, maxBytes })`.
 */
export class Channel<T> implements ChannelEndpoint {
  readonly maxBytes: number;
  readonly schema: MessageSchema<T>;
  private readonly handlers = new Set<MessageHandler<T>>();
  private closed = false;

  constructor(
    private readonly host: ChannelHost,
    readonly name: string,
    options: ChannelOptions<T>,
  ) {
    if (!isValidChannelName(name)) {
      throw new DarkswapConnectionError(
        'channel-invalid',
        `Invalid channel name "${name}": lower-case letters, digits and "-", starting with a letter, at most 32.`,
      );
    }
    if (!options || typeof options.schema !== 'object' || options.schema === null) {
      throw new DarkswapConnectionError('channel-invalid', `Channel "${name}" needs a valibot schema.`);
    }
    const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(max) || max < 1 || max > MAX_FRAME_BYTES - 40) {
      throw new DarkswapConnectionError('channel-invalid', `Channel "${name}": maxBytes must be 1..${MAX_FRAME_BYTES - 40}.`);
    }
    this.maxBytes = max;
    this.schema = options.schema;
  }

  /** Send one message to one connected peer. Throws `unknown-peer`/`link-closed`/`message-*` errors. */
  send(peer: string, message: T): void {
    this.host.sendFrame(peer, this.encode(message));
  }

  /** Send one message to every open link; returns how many peers it went to. */
  broadcast(message: T): number {
    const frame = this.encode(message);
    const peers = this.host.openPeers();
    for (const peer of peers) this.host.sendFrame(peer, frame);
    return peers.length;
  }

  /** Subscribe; returns a function that unsubscribes. */
  on(handler: MessageHandler<T>): () => void {
    this.handlers.add(handler);
    return () => this.off(handler);
  }

  off(handler: MessageHandler<T>): void {
    this.handlers.delete(handler);
  }

  /** Stop receiving and detach from the service. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.host.removeChannel(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal Check an inbound payload; returns the reject reason or delivers it. */
  receive(payloadText: string, parsed: { value?: unknown; failed?: boolean }, from: string): RejectReason | undefined {
    if (utf8Length(payloadText) > this.maxBytes) return 'too-large';
    if (!('value' in parsed) && !parsed.failed) {
      try {
        parsed.value = JSON.parse(payloadText);
      } catch {
        parsed.failed = true;
      }
    }
    if (parsed.failed) return 'bad-json';
    const result = v.safeParse(this.schema, parsed.value);
    if (!result.success) return 'invalid';
    for (const handler of [...this.handlers]) {
      try {
        handler(result.output, from);
      } catch (error) {
        // A broken handler must not stop the others nor the link; surface it like an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return undefined;
  }

  private encode(message: T): string {
    if (this.closed) throw new DarkswapConnectionError('channel-invalid', `Channel "${this.name}" is closed.`);
    const result = v.safeParse(this.schema, message);
    if (!result.success) {
      const issue = result.issues[0];
      throw new DarkswapConnectionError('message-invalid', `Message for channel "${this.name}" does not match its schema: ${issue.message}`);
    }
    const json = JSON.stringify(result.output);
    if (json === undefined) throw new DarkswapConnectionError('message-invalid', `Message for "${this.name}" is not JSON-serialisable.`);
    const bytes = utf8Length(json);
    if (bytes > this.maxBytes) {
      throw new DarkswapConnectionError('message-too-large', `Message for channel "${this.name}" is ${bytes} bytes; the limit is ${this.maxBytes}.`);
    }
    return encodeFrame(this.name, json);
  }
}
