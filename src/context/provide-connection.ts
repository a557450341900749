import { ContextEvent, ContextProvider } from '@lit/context';
import type { ConnectionApi } from '../core/connection-api.js';
import { connectionContext } from './connection-context.js';

export interface ConnectionProvision {
  /** Swap the service every consumer below the target sees (or `undefined` for none). */
  set(service: ConnectionApi | undefined): void;
  readonly service: ConnectionApi | undefined;
  /**
   * Stop providing. Widgets that were served ask again, so they find the next provider up the
   * tree (or wait for one, showing "not connected").
   */
  detach(): void;
}

class DetachableProvider extends ContextProvider<typeof connectionContext> {
  detach(): void {
    this.setValue(undefined);
    this.host.removeEventListener('context-request', this.onContextRequest);
    this.host.removeEventListener('context-provider', this.onProviderRequest);
    const served = [...this.subscriptions];
    this.subscriptions.clear();
    for (const [callback, { consumerHost }] of served) {
      consumerHost.dispatchEvent(new ContextEvent(connectionContext, consumerHost, callback, true));
    }
  }
}

/**
 * Provide a service you own to every widget inside `target` (an element, or `document` for the
 * whole page). Consumers already waiting are served at once; later swaps reach every subscriber.
 */
export function provideConnection(target: HTMLElement | Document, service: ConnectionApi | undefined): ConnectionProvision {
  const provider = new DetachableProvider(target as HTMLElement, { context: connectionContext, initialValue: service });
  // Tell the page's ContextRoot a provider exists, so requests that found none are replayed.
  // (For `document` the event would start above the root, so announce from the root element.)
  if (target instanceof Document) {
    const root = target.documentElement;
    const announce = Object.assign(new Event('context-provider', { bubbles: true, composed: true }), {
      context: connectionContext,
      contextTarget: root,
    });
    root.dispatchEvent(announce);
  } else {
    provider.hostConnected();
  }
  let detached = false;
  return {
    set: (next) => {
      if (!detached) provider.setValue(next);
    },
    get service() {
      return detached ? undefined : provider.value;
    },
    detach: () => {
      if (detached) return;
      detached = true;
      provider.detach();
    },
  };
}
