import { ContextRoot } from '@lit/context';

const ROOT = Symbol.for('darkswap.context-root.v1');

/**
 * Attach one ContextRoot per page (whatever number of kit copies load), so widgets that ask for a
 * connection before any provider exists get it as soon as one appears.
 */
export function attachContextRoot(doc: Document = document): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[ROOT] || !doc?.documentElement) return;
  const root = new ContextRoot();
  root.attach(doc.documentElement);
  g[ROOT] = root;
}
