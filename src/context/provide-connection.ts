import { ContextProvider } from '@lit/context';
import type { ConnectionApi } from '../core/connection-api.js';
import { connectionContext } from './connection-context.js';

export interface ConnectionProvision {
  /** Swap the service every consumer below `target` sees (or `undefined` for none). */
  set(service: ConnectionApi | undefined): void;
  readonly service: ConnectionApi | undefined;
}

/**
 * Provide a service you own to every widget inside `target` (an element, or `document` for the
 * whole page). Consumers already waiting are served at once; later swaps reach every subscriber.
 */
export function provideConnection(target: HTMLElement | Document, service: ConnectionApi | undefined): ConnectionProvision {
  const provider = new ContextProvider(target as HTMLElement, { context: connectionContext, initialValue: service });
  // Tell the page's ContextRoot a provider exists, so requests that found none are replayed.
  provider.hostConnected();
  return {
    set: (next) => provider.setValue(next),
    get service() {
      return provider.value;
    },
  };
}
