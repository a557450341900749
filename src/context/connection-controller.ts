import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BulkChannelOptions, BulkHandler } from '../core/bulk.js';
import type { ChannelOptions, MessageHandler } from '../core/channel.js';
import type { ConnectionApi } from '../core/connection-api.js';
import type { ConnectionServiceEventMap, ServiceStatus } from '../core/events.js';
import { connectionContext } from './connection-context.js';

type Host = ReactiveControllerHost & HTMLElement;
type Listeners = { [K in keyof ConnectionServiceEventMap]?: (event: ConnectionServiceEventMap[K]) => void };

const RENDER_EVENTS = ['status', 'peer-connecting', 'peer-connected', 'peer-reconnecting', 'peer-disconnected'] as const;
const WARNED = Symbol.for('darkswap.no-provider-warned.v1');

/** A channel that follows the controller's service: reopened when the service changes. */
export interface ChannelBinding<T> {
  send(peer: string, message: T): void;
  broadcast(message: T): number;
  /** True while bound to a service. */
  readonly ready: boolean;
}

/** A bulk channel that follows the controller's service. */
export interface BulkBinding<H> {
  /** Resolves once the link has room (backpressure); rejects when the link is gone. */
  send(peer: string, header: H, data?: Uint8Array): Promise<void>;
  /** The most data bytes one send to this peer can carry. */
  maxChunkBytes(peer: string): number;
  readonly ready: boolean;
}

interface Binding {
  name: string;
  options: ChannelOptions<unknown>;
  handler: MessageHandler<unknown>;
  channel?: ReturnType<ConnectionApi['channel']>;
}

interface BulkBindingState {
  name: string;
  options: BulkChannelOptions<unknown>;
  handler: BulkHandler<unknown>;
  channel?: ReturnType<ConnectionApi['bulkChannel']>;
}

/**
 * How widgets reach the shared connection service: subscribes to the connection context (late
 * providers and swaps work), accepts an injected service, re-renders its host on status and peer
 * changes, and keeps the host's channels bound to whatever service is current.
 */
/** How long a widget waits for a provider before the page's one "has no connection" warning. */
export const NO_PROVIDER_WARN_MS = 3_000;

export class ConnectionController implements ReactiveController {
  private provided: ConnectionApi | undefined;
  /** A provider answered (possibly with no service yet). */
  private hasProvider = false;
  private injected: ConnectionApi | undefined;
  private bound: ConnectionApi | undefined;
  private readonly bindings = new Set<Binding>();
  private readonly bulkBindings = new Set<BulkBindingState>();
  private readonly watchers = new Set<(service: ConnectionApi | undefined) => void>();
  private readonly rerender = () => this.host.requestUpdate();
  private readonly forward = (event: Event) => {
    const listener = this.listeners[event.type as keyof Listeners] as ((e: Event) => void) | undefined;
    listener?.(event);
  };

  constructor(
    private readonly host: Host,
    private readonly listeners: Listeners = {},
  ) {
    host.addController(this);
    new ContextConsumer(host, {
      context: connectionContext,
      subscribe: true,
      callback: (value) => {
        this.hasProvider = true;
        this.provided = value;
        this.rebind();
      },
    });
  }

  /** The service in use: an injected one wins over the context's. */
  get service(): ConnectionApi | undefined {
    return this.injected ?? this.provided;
  }

  /** Property injection (for apps that hold the service themselves). */
  inject(service: ConnectionApi | undefined): void {
    this.injected = service;
    this.rebind();
  }

  /** `none` when no service reached this widget. */
  get status(): ServiceStatus | 'none' {
    return this.service?.status ?? 'none';
  }

  /** Open a channel on the current service and on every future one, until the host disconnects. */
  channel<T>(name: string, options: ChannelOptions<T>, handler: MessageHandler<T>): ChannelBinding<T> {
    const binding: Binding = { name, options: options as ChannelOptions<unknown>, handler: handler as MessageHandler<unknown> };
    this.bindings.add(binding);
    if (this.host.isConnected) this.open(binding);
    return {
      send: (peer, message) => this.require(binding).send(peer, message),
      broadcast: (message) => this.require(binding).broadcast(message),
      get ready() {
        return binding.channel !== undefined;
      },
    };
  }

  /** Open a bulk channel (second data channel, backpressured) on the current and every future service. */
  bulkChannel<H>(name: string, options: BulkChannelOptions<H>, handler: BulkHandler<H>): BulkBinding<H> {
    const binding: BulkBindingState = { name, options: options as BulkChannelOptions<unknown>, handler: handler as BulkHandler<unknown> };
    this.bulkBindings.add(binding);
    if (this.host.isConnected) this.openBulk(binding);
    const require = () => {
      if (!binding.channel) throw new Error(`<${this.host.localName}> has no connection: no bulk channel "${name}".`);
      return binding.channel;
    };
    return {
      send: async (peer, header, data) => require().send(peer, header, data),
      maxChunkBytes: (peer) => require().maxChunkBytes(peer),
      get ready() {
        return binding.channel !== undefined;
      },
    };
  }

  /**
   * Be told whenever the service this host is bound to changes: a service once the host is connected
   * and one is provided or injected, `undefined` when the host disconnects or the service goes away.
   * Called at once with the current one. Returns a function that stops watching.
   */
  watch(listener: (service: ConnectionApi | undefined) => void): () => void {
    this.watchers.add(listener);
    listener(this.bound);
    return () => this.watchers.delete(listener);
  }

  hostConnected(): void {
    this.rebind();
    // Apps that own their service often provide it only after `await service.open()`: warn only when no
    // provider came within a few seconds.
    setTimeout(() => this.warnIfAlone(), NO_PROVIDER_WARN_MS);
  }

  hostDisconnected(): void {
    this.unbind();
  }

  private require(binding: Binding) {
    if (!binding.channel) throw new Error(`<${this.host.localName}> has no connection: no channel "${binding.name}".`);
    return binding.channel;
  }

  private rebind(): void {
    const next = this.host.isConnected ? this.service : undefined;
    if (next !== this.bound) {
      this.unbind();
      this.bound = next;
      if (next) {
        for (const type of RENDER_EVENTS) next.addEventListener(type, this.rerender);
        for (const type of Object.keys(this.listeners)) next.addEventListener(type, this.forward);
        for (const binding of this.bindings) this.open(binding);
        for (const binding of this.bulkBindings) this.openBulk(binding);
      }
      if (next) for (const watcher of [...this.watchers]) watcher(next);
    }
    this.host.requestUpdate();
  }

  private unbind(): void {
    const old = this.bound;
    this.bound = undefined;
    for (const binding of [...this.bindings, ...this.bulkBindings]) {
      binding.channel?.close();
      binding.channel = undefined;
    }
    if (!old) return;
    for (const watcher of [...this.watchers]) watcher(undefined);
    for (const type of RENDER_EVENTS) old.removeEventListener(type, this.rerender);
    for (const type of Object.keys(this.listeners)) old.removeEventListener(type, this.forward);
  }

  private open(binding: Binding): void {
    const service = this.bound;
    if (!service || binding.channel || service.status === 'closed') return;
    binding.channel = service.channel(binding.name, binding.options);
    binding.channel.on(binding.handler);
  }

  private openBulk(binding: BulkBindingState): void {
    const service = this.bound;
    if (!service || binding.channel || service.status === 'closed') return;
    binding.channel = service.bulkChannel(binding.name, binding.options);
    binding.channel.on(binding.handler);
  }

  private warnIfAlone(): void {
    const g = globalThis as Record<symbol, unknown>;
    if (this.service || this.hasProvider || !this.host.isConnected || g[WARNED]) return;
    g[WARNED] = true;
    console.warn(
      `[darkswap] <${this.host.localName}> has no connection: put it inside <darkswap-connection> ` +
        '(or call provideConnection()). It shows a "not connected" state and connects as soon as a provider appears.',
    );
  }
}
