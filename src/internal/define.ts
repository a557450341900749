import { VERSION } from './version.js';

/** A custom element class that says which kit version it comes from. */
export type VersionedElement = CustomElementConstructor & { readonly version?: string };

const warned = new Set<string>();

/**
 * Register a custom element once per page, whatever number of copies of the kit a page loads.
 * Same version already there → nothing happens. Another version there → one console warning
 * naming both, and the first registration stays. Never throws.
 */
export function define(tag: string, ctor: VersionedElement): void {
  const registry = globalThis.customElements;
  if (!registry) return;
  const existing = registry.get(tag) as VersionedElement | undefined;
  if (existing) {
    if (existing === ctor) return;
    const theirs = existing.version ?? 'unknown';
    const ours = ctor.version ?? VERSION;
    if (theirs !== ours && !warned.has(tag)) {
      warned.add(tag);
      console.warn(
        `[darkswap] <${tag}> is already defined by DarkSwap ${theirs}; this copy (${ours}) is not registered. ` + 'Load one version of the kit per page.',
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
