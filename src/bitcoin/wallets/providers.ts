/**
 * Which browser wallets are installed, from the providers they inject into the page, and how to load each
 * adapter: the adapters themselves are separate modules, fetched by `import()` when the user picks one, so a
 * page that never connects a wallet never downloads them. No dependencies (the eager part).
 *
 * - Xverse, and every wallet that speaks the sats-connect JSON-RPC protocol and registers itself in
 *   `window.btc_providers` (WBIP004: Magic Eden, Fordefi…): `<provider>.request(method, params)`.
 * - UniSat: `window.unisat` (`requestAccounts`, `getPublicKey`, `getChain`, `signPsbt(hex, options)`).
 * - Leather: `window.LeatherProvider.request(method, params)` (Leather's RPC).
 */
import type { BitcoinNetwork } from '../wire.js';
import type { WalletAccount, WalletAdapter } from '../wallet.js';

/** A wallet adapter the user connects: it asks the wallet for accounts once, then signs through it. */
export interface BrowserWallet extends WalletAdapter {
  /** The wallet's display name ("Xverse", "UniSat", "Leather", or what a sats-connect wallet registered). */
  readonly name: string;
  /** The accounts of the last `connect()` (empty before). */
  readonly accounts: readonly WalletAccount[];
  /** Asks the wallet for its accounts (the wallet prompts the first time) and checks its network. */
  connect(): Promise<readonly WalletAccount[]>;
  /** Forgets the accounts (and tells the wallet, when its API has a way). */
  disconnect(): Promise<void>;
}

export interface BrowserWalletOptions {
  /** The network this site trades on: a wallet on another one is refused (`wrong-network`). */
  readonly network: BitcoinNetwork;
  /** How long one wallet call may take before it fails with `timeout` (ms, default 120,000: a human answers). */
  readonly timeoutMs?: number;
  /** Where the provider is injected (default `globalThis`); tests pass their own. */
  readonly win?: object;
}

export const WALLET_KINDS = ['xverse', 'unisat', 'leather'] as const;
/** The protocol a wallet speaks: sats-connect (Xverse and others), UniSat's injected API, Leather's RPC. */
export type WalletKind = (typeof WALLET_KINDS)[number];

/** An installed wallet the user can pick. */
export interface WalletOption {
  /** Unique on the page: `xverse`, `unisat`, `leather`, or `sats-connect:<provider id>`. */
  readonly id: string;
  readonly kind: WalletKind;
  /** Display name (text only; from the provider's registration for sats-connect wallets). */
  readonly name: string;
  /** For sats-connect wallets: the provider's path on `window` (`XverseProviders.BitcoinProvider`). */
  readonly providerId?: string;
}

/** The default sats-connect provider (Xverse's). */
export const XVERSE_PROVIDER_ID = 'XverseProviders.BitcoinProvider';
/** Providers with an adapter of their own, whatever they register in `btc_providers`. */
const OWN_ADAPTER = new Set(['LeatherProvider', 'unisat']);
const MAX_NAME = 40;

/** The object at a dotted path of `win` (`XverseProviders.BitcoinProvider`), if any. */
export function providerAt(win: object, path: string): unknown {
  let at: unknown = win;
  for (const part of path.split('.')) {
    if (!at || (typeof at !== 'object' && typeof at !== 'function')) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

const hasMethod = (o: unknown, name: string): boolean => !!o && typeof (o as Record<string, unknown>)[name] === 'function';

/** A name injected by a page script, made safe to show: a short single line of text. */
function cleanName(name: unknown, fallback: string): string {
  if (typeof name !== 'string') return fallback;
  const one = [...name]
    .map((c) => (c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) < 0xa0) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return one ? one.slice(0, MAX_NAME) : fallback;
}

/** The installed wallets, in a stable order: Xverse, the other sats-connect wallets, UniSat, Leather. */
export function detectWallets(win: object = globalThis): WalletOption[] {
  const found: WalletOption[] = [];
  const seen = new Set<string>();
  const satsConnect = (providerId: string, name: string) => {
    if (seen.has(providerId) || OWN_ADAPTER.has(providerId) || !hasMethod(providerAt(win, providerId), 'request')) return;
    seen.add(providerId);
    found.push({
      id: providerId === XVERSE_PROVIDER_ID ? 'xverse' : `sats-connect:${providerId}`,
      kind: 'xverse',
      name,
      providerId,
    });
  };
  satsConnect(XVERSE_PROVIDER_ID, 'Xverse');
  const registered = (win as { btc_providers?: unknown }).btc_providers;
  if (Array.isArray(registered)) {
    for (const p of registered.slice(0, 20)) {
      const id = (p as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(id) && id.length <= 100) {
        satsConnect(id, cleanName((p as { name?: unknown }).name, id));
      }
    }
  }
  const unisat = (win as { unisat?: unknown }).unisat;
  if (hasMethod(unisat, 'requestAccounts') && hasMethod(unisat, 'signPsbt')) found.push({ id: 'unisat', kind: 'unisat', name: 'UniSat' });
  if (hasMethod((win as { LeatherProvider?: unknown }).LeatherProvider, 'request')) found.push({ id: 'leather', kind: 'leather', name: 'Leather' });
  return found;
}

/** Loads the adapter module of a wallet (its own chunk) and creates the adapter; nothing is asked of the wallet yet. */
export async function loadWallet(option: WalletOption, options: BrowserWalletOptions): Promise<BrowserWallet> {
  switch (option.kind) {
    case 'xverse': {
      const { XverseWallet } = await import('./xverse.js');
      return new XverseWallet({ ...options, providerId: option.providerId ?? XVERSE_PROVIDER_ID, name: option.name, id: option.id });
    }
    case 'unisat': {
      const { UnisatWallet } = await import('./unisat.js');
      return new UnisatWallet(options);
    }
    case 'leather': {
      const { LeatherWallet } = await import('./leather.js');
      return new LeatherWallet(options);
    }
  }
}
