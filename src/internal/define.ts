import { VERSION } from './version.js';

/** A custom element class that says which kit version it comes from. */
export type VersionedElement = CustomElementConstructor & { readonly version?: string };

/** Version pairs already warned about, shared by every copy of the kit on the page. */
function warned(): Set<string> {
  const g = globalThis as Record<symbol, unknown>;
  return (g[Symbol.for('darkswap.define-warned.v1')] ??= new Set<string>()) as Set<string>;
}

/**
 * Register a custom element once per page, whatever number of copies of the kit a page loads.
 * Same version already there → nothing happens. Another version there → one console warning per
 * page naming both versions (not one per element), and the first registrations stay. Never throws.
 */
export function define(tag: string, ctor: VersionedElement): void {
  const registry = globalThis.customElements;
  if (!registry) return;
  const existing = registry.get(tag) as VersionedElement | undefined;
  if (existing) {
    if (existing === ctor) return;
    const theirs = existing.version ?? 'unknown';
    const ours = ctor.version ?? VERSION;
    const pair = `${theirs} ${ours}`;
    if (theirs !== ours && !warned().has(pair)) {
      warned().add(pair);
      console.warn(
        `[darkswap] DarkSwap ${theirs} already defined its elements (<${tag}> and the others); this copy (${ours}) registers none of them. ` +
          'Load one version of the kit per page.',
      );
    }
    return;
  }
  try {
    registry.define(tag, ctor);
  } catch (error) {
    console.warn(`[darkswap] Could not define <${tag}>:`, error);
  }
}
