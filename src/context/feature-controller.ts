import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionApi } from '../core/connection-api.js';
import { featureFor, type Feature, type FeatureLease } from '../features/registry.js';
import type { ConnectionController } from './connection-controller.js';

type Host = ReactiveControllerHost & HTMLElement;

export interface FeatureControllerOptions<T extends Feature> {
  /** Registry key of the feature, with a version (`orderbook.v1`). */
  key: string;
  /** Creates the engine when this service has none yet (the engine opens and owns its channels). */
  create: (service: ConnectionApi) => T;
  /**
   * Called once per engine this host uses: subscribe to it here and return the function that
   * unsubscribes (called on disconnect, on a service swap, and before the engine is released).
   */
  attach?: (feature: T, service: ConnectionApi) => (() => void) | void;
  /** False while the host uses no shared engine (e.g. an app injected its own); call `refresh()` when it changes. */
  enabled?: () => boolean;
}

/**
 * How a widget reaches its feature's engine: leases the one engine of its kind on the widget's
 * connection service (`featureFor`), so N widgets of a kind on one service share it and every
 * message is handled once. Acquires when the host connects to a service, releases when the host
 * disconnects, and moves to the new service's engine when the service is swapped. The last release
 * on a service disposes its engine.
 */
export class FeatureController<T extends Feature> implements ReactiveController {
  private lease: FeatureLease<T> | undefined;
  private detach: (() => void) | undefined;
  private leasedOn: ConnectionApi | undefined;
  /** The service the connection controller is bound to. */
  private current: ConnectionApi | undefined;

  constructor(
    private readonly host: Host,
    connection: ConnectionController,
    private readonly options: FeatureControllerOptions<T>,
  ) {
    host.addController(this);
    connection.watch((service) => {
      this.current = service;
      this.follow(service);
    });
  }

  /** The shared engine, while this host is connected to a service. */
  get feature(): T | undefined {
    return this.lease?.feature;
  }

  /** Re-check `enabled` (and the service): acquire or release accordingly. */
  refresh(): void {
    this.follow(this.current);
  }

  /** Release this host's engine and lease again (e.g. after an option that names the engine's store changed). */
  renew(): void {
    this.drop();
    this.follow(this.current);
  }

  // No hostConnected: the connection controller re-binds in its own and calls `follow` through `watch`.
  hostDisconnected(): void {
    this.follow(undefined);
  }

  private follow(service: ConnectionApi | undefined): void {
    const enabled = this.options.enabled?.() ?? true;
    const next = enabled && service && service.status !== 'closed' && this.host.isConnected ? service : undefined;
    if (next === this.leasedOn) return;
    this.drop();
    if (!next) return;
    const lease = featureFor(next, this.options.key, this.options.create);
    this.lease = lease;
    this.leasedOn = next;
    this.detach = this.options.attach?.(lease.feature, next) ?? undefined;
    this.host.requestUpdate();
  }

  private drop(): void {
    const lease = this.lease;
    if (!lease) return;
    const detach = this.detach;
    this.lease = undefined;
    this.leasedOn = undefined;
    this.detach = undefined;
    detach?.();
    lease.release();
    this.host.requestUpdate();
  }
}
