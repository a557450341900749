/**
 * What a gallery scenario builds with: services on one in-memory network (core/memory-connection.ts), a hidden
 * backstage for the widgets that play the other side (a real widget on the other service), unique store names
 * per page load, and waiting helpers. Nothing here opens a socket.
 */
import type { ConnectionApi } from '../core/connection-api.js';
import { MemoryNetwork, type MemoryConnection } from '../core/memory-connection.js';

/** What every scenario gets. */
export interface Stage {
  readonly network: MemoryNetwork;
  /** Hidden (`hidden`, out of the accessibility tree) container for the other side's widgets. */
  readonly backstage: HTMLElement;
  /** A name unique to this page load and scenario, for stores (IndexedDB, localStorage). */
  unique(prefix: string): string;
}

let counter = 0;

export function createStage(backstage: HTMLElement, network = new MemoryNetwork()): Stage {
  const run = Date.now().toString(36);
  return { network, backstage, unique: (prefix) => `gallery-${prefix}-${run}-${++counter}` };
}

/** Creates `tag` with properties (set before it is connected) and attributes. */
export function element<T extends HTMLElement>(tag: string, props: Record<string, unknown> = {}, attrs: Record<string, string> = {}): T {
  const el = document.createElement(tag) as T;
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  Object.assign(el, props);
  return el;
}

/** A widget for the other side, upgraded and rendered in the backstage. */
export async function offstage<T extends HTMLElement>(stage: Stage, tag: string, connection: ConnectionApi, props: Record<string, unknown> = {}): Promise<T> {
  const el = element<T>(tag, { connection, ...props });
  stage.backstage.append(el);
  await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return el;
}

/** Resolves once `condition()` holds; rejects after `timeoutMs` naming `what`. */
export async function until(condition: () => unknown, what: string, timeoutMs = 8_000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Gallery: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An element in `el`'s shadow root by part name. */
export function part<T extends Element = HTMLElement>(el: Element, name: string): T | null {
  return el.shadowRoot?.querySelector<T>(`[part~="${name}"]`) ?? null;
}

/** Two open services with a link: `[mine, theirs]`. */
export function linked(stage: Stage): Promise<[MemoryConnection, MemoryConnection]> {
  return stage.network.pair();
}
