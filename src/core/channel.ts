import * as v from 'valibot';
import { DarkswapConnectionError } from './errors.js';
import { isValidChannelName, MAX_FRAME_BYTES, utf8Length, type RejectReason } from './frame.js';

/** Any valibot schema; messages are checked with it on the way in and on the way out. */
export type MessageSchema<T = unknown> = v.GenericSchema<unknown, T>;

export interface ChannelOptions<T> {
  /** Every inbound (and outbound) message must match it. */
  schema: MessageSchema<T>;
  /** Largest accepted payload in UTF-8 bytes of its JSON text (default 16 KiB, at most 256 KiB). */
  maxBytes?: number;
  /**
   * Reliable channels (the default) number every message, keep it until the peer acknowledges
   * it and resend it after a link recovers: each message arrives once, in order. `false` for
   * fire-and-forget traffic (presence, typing, live prices) that is dropped while a link is down.
   */
  reliable?: boolean;
  /** Send order when a link is busy: `high` (trade, orderbook), `normal` (chat), `low`. Default `normal`. */
  priority?: ChannelPriority;
}

export const CHANNEL_PRIORITIES = ['high', 'normal', 'low'] as const;
export type ChannelPriority = (typeof CHANNEL_PRIORITIES)[number];

/** How a channel's messages travel. */
export interface SendOptions {
  reliable: boolean;
  priority: ChannelPriority;
}

export type MessageHandler<T> = (message: T, from: string) => void;

/** What a channel needs from the service it lives on. */
export interface ChannelHost {
  /** Queue one encoded payload for a peer; throws when the peer cannot take it. */
  sendMessage(peer: string, channel: string, json: string, options: SendOptions): void;
  /** Peers a broadcast goes to: open links, plus recovering ones for reliable channels. */
  broadcastPeers(reliable: boolean): readonly string[];
  removeChannel(channel: ChannelEndpoint): void;
  /** A broadcast did not reach these peers (the others got it): report each. */
  broadcastFailed?(channel: string, failures: ReadonlyMap<string, unknown>): void;
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
    if (options.priority !== undefined && !CHANNEL_PRIORITIES.includes(options.priority)) {
      throw new DarkswapConnectionError('channel-invalid', `Channel "${name}": priority must be one of ${CHANNEL_PRIORITIES.join(', ')}.`);
    }
    this.maxBytes = max;
    this.schema = options.schema;
    this.sendOptions = Object.freeze({ reliable: options.reliable ?? true, priority: options.priority ?? 'normal' });
  }

  /** Whether messages are acknowledged and resent across link recovery, and their priority. */
  readonly sendOptions: Readonly<SendOptions>;

  get reliable(): boolean {
    return this.sendOptions.reliable;
  }

  /**
   * Send one message to one peer. A reliable channel queues it while the link recovers.
   * Throws `unknown-peer`, `link-closed`, `send-buffer-full` or `message-*` errors.
   */
  send(peer: string, message: T): void {
    this.host.sendMessage(peer, this.name, this.encode(message), this.sendOptions);
  }

  /**
   * Send one message to several peers, validated and serialised once. A peer that cannot take it
   * (`unknown-peer`, `link-closed`, a full buffer…) does not stop the others: returns the errors by
   * peer (empty when every peer took it). Throws only for the message itself (`message-*`).
   */
  sendMany(peers: readonly string[], message: T): Map<string, unknown> {
    const json = this.encode(message);
    const failed = new Map<string, unknown>();
    for (const peer of peers) {
      try {
        this.host.sendMessage(peer, this.name, json, this.sendOptions);
      } catch (error) {
        failed.set(peer, error);
      }
    }
    return failed;
  }

  /**
   * Send one message to every connected peer that can take it; returns how many it went to. A peer
   * that cannot (its outbox is full, it accepts smaller messages…) does not stop the others: each
   * such peer is reported as an `error` event on the service (with `peer` set). Throws only for the
   * message itself (`message-invalid`, `message-too-large` for the channel).
   */
  broadcast(message: T): number {
    const peers = this.host.broadcastPeers(this.sendOptions.reliable);
    const failed = this.sendMany(peers, message);
    if (failed.size) this.host.broadcastFailed?.(this.name, failed);
    return peers.length - failed.size;
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

  /** Validate and serialise; the JSON text. */
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
    return json;
  }
}
