/**
 * Where `<darkswap-wallet>` provides its wallet: on itself (for the widgets inside it) or, with `page`, on
 * the document. A provider that can stop: the widgets it served ask again and find the next one up.
 */
import { ContextEvent, ContextProvider } from '@lit/context';
import { walletContext, type WalletProvision } from '../../context/wallet-context.js';

class DetachableWalletProvider extends ContextProvider<typeof walletContext> {
  detach(): void {
    this.setValue(undefined);
    this.host.removeEventListener('context-request', this.onContextRequest);
    this.host.removeEventListener('context-provider', this.onProviderRequest);
    const served = [...this.subscriptions];
    this.subscriptions.clear();
    for (const [callback, { consumerHost }] of served) consumerHost.dispatchEvent(new ContextEvent(walletContext, consumerHost, callback, true));
  }
}

export interface WalletProvisionHandle {
  readonly target: HTMLElement | Document;
  set(value: WalletProvision | undefined): void;
  detach(): void;
}

export function provideWalletAt(target: HTMLElement | Document, value: WalletProvision | undefined): WalletProvisionHandle {
  const provider = new DetachableWalletProvider(target as HTMLElement, { context: walletContext, initialValue: value });
  // Tell the page's ContextRoot a provider exists, so requests that found none are replayed.
  const root = target instanceof Document ? target.documentElement : target;
  root.dispatchEvent(Object.assign(new Event('context-provider', { bubbles: true, composed: true }), { context: walletContext, contextTarget: root }));
  let detached = false;
  return {
    target,
    set: (next) => {
      if (!detached) provider.setValue(next, true);
    },
    detach: () => {
      if (detached) return;
      detached = true;
      provider.detach();
    },
  };
}
