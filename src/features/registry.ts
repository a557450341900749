/**
 * One engine per feature per connection service, shared by every widget of that kind and by the
 * headless API on that service.
 *
 * `featureFor(service, key, factory)` returns a lease on the engine registered under `key` for
 * `service`, creating it with `factory` on first use; the last `release()` disposes it (an engine
 * closes the channels it owns there). The registry lives on `globalThis` under a versioned global
 * symbol, so two copies of the kit on one page share engines as they share the service itself.
 */
import type { ConnectionApi } from '../core/connection-api.js';

/** What a feature engine must offer the registry. */
export interface Feature {
  /** Close the engine's channels, timers and listeners; called once, after the last release. */
  dispose(): void;
}

/** A counted hold on a shared engine. */
export interface FeatureLease<T extends Feature> {
  readonly feature: T;
  /** Give the hold back; idempotent. The last release disposes the engine. */
  release(): void;
}

interface Entry {
  feature: Feature;
  users: number;
}

const REGISTRY = Symbol.for('darkswap.features.v1');

type Registry = WeakMap<ConnectionApi, Map<string, Entry>>;

function registry(): Registry {
  const g = globalThis as Record<symbol, unknown>;
  return (g[REGISTRY] ??= new WeakMap()) as Registry;
}

/**
 * Lease the engine registered as `key` on `service`, creating it with `factory(service)` when there
 * is none. Keys carry a version (`orderbook.v1`) so incompatible copies of the kit never share one.
 */
export function featureFor<T extends Feature>(service: ConnectionApi, key: string, factory: (service: ConnectionApi) => T): FeatureLease<T> {
  const byKey = registry().get(service) ?? new Map<string, Entry>();
  registry().set(service, byKey);
  let entry = byKey.get(key);
  if (!entry) {
    entry = { feature: factory(service), users: 0 };
    byKey.set(key, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    feature: held.feature as T,
    release() {
      if (released) return;
      released = true;
      if (--held.users > 0) return;
      if (byKey.get(key) === held) byKey.delete(key);
      held.feature.dispose();
    },
  };
}

/** The engine registered as `key` on `service`, if any (no lease taken). */
export function peekFeature<T extends Feature>(service: ConnectionApi, key: string): T | undefined {
  return registry().get(service)?.get(key)?.feature as T | undefined;
}

/** How many leases are held on the engine `key` of `service` (0 when there is none). */
export function featureUsers(service: ConnectionApi, key: string): number {
  return registry().get(service)?.get(key)?.users ?? 0;
}
