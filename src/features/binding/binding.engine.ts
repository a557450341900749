/**
 * Identity bound to a wallet (issue 19 item 4), once per connection service (`featureFor`): owns the `binding`
 * channel. When this page has a binding (the user proved a wallet: `bind(wallet)`, or `setBinding()`), it goes
 * to every linked peer and to each peer that links later; `clear()` withdraws it. A binding a peer sends is
 * checked (schema and size on the channel, a per-peer rate limit here), then verified against the key the link
 * authenticated (`peerIdentity(peer).publicKey`) and this engine's `network`, and kept per peer; anything else
 * (another key, a bad signature, another network, too old or from the future) is refused and counted, never
 * shown. Shared by `<darkswap-wallet>`, `<darkswap-trade>` and `<darkswap-network-status>` on the service.
 *
 * The BIP-322 code (bip322.ts, with @scure/btc-signer) loads on first use, so a widget that only shows
 * bindings costs nothing until one arrives.
 *
 * Events: `change` (a peer's binding or mine changed, or a binding was refused).
 */
import type { Channel } from '../../core/channel.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import { TokenBucket } from '../../core/rate-limit.js';
import type { WalletAdapter } from '../../bitcoin/wallet.js';
import type { IdentityBinding } from '../../bitcoin/wallets/bip322.js';
import type { BitcoinNetwork } from '../../bitcoin/wire.js';
import { featureFor, type Feature, type FeatureLease } from '../registry.js';
import {
  BINDING_BURST,
  BINDING_CHANNEL,
  BINDING_MAX_AGE_MS,
  BINDING_MAX_BYTES,
  BINDING_PER_SECOND,
  BindingMessageSchema,
  type BindingMessage,
  type BindingReject,
  type BindingRejects,
  type PeerBinding,
} from './binding.protocol.js';

export * from './binding.protocol.js';

/** Registry key of the binding feature (one engine per connection service). */
export const BINDING_FEATURE = 'binding.v1';

const bip322 = () => import('../../bitcoin/wallets/bip322.js');

export interface BindingEngineOptions {
  /** The network bindings must be for (default mainnet; widgets set it from their wallet). */
  network?: BitcoinNetwork;
  now?: () => number;
}

interface Held {
  /** The last binding the peer sent that binds its link's key (verified or not under the current network). */
  readonly raw: IdentityBinding;
  verified: PeerBinding | undefined;
}

export class BindingEngine extends EventTarget implements Feature {
  /** Refused bindings, in total and by reason. */
  readonly rejects: BindingRejects = { total: 0, byReason: {} };
  private readonly perPeer = new Map<string, BindingRejects>();
  private readonly held = new Map<string, Held>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly channel: Channel<BindingMessage>;
  private readonly now: () => number;
  private _network: BitcoinNetwork;
  private _mine: IdentityBinding | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly service: ConnectionApi,
    options: BindingEngineOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
    this._network = options.network ?? 'mainnet';
    this.channel = service.channel<BindingMessage>(BINDING_CHANNEL, { schema: BindingMessageSchema, maxBytes: BINDING_MAX_BYTES, reliable: true });
    this.channel.on((m, from) => {
      if (!this.allow(from)) return;
      this.inbound = this.inbound.then(() => this.onMessage(m, from)).catch(() => undefined);
    });
    service.addEventListener('peer-connected', this.onConnected);
  }

  /** Lease the one binding engine of a service (widgets on it share it); `release()` when done. */
  static acquire(service: ConnectionApi, options?: BindingEngineOptions): FeatureLease<BindingEngine> {
    return featureFor(service, BINDING_FEATURE, (s) => new BindingEngine(s, options));
  }

  /** The network peers' bindings must be for. Changing it checks the bindings held again. */
  get network(): BitcoinNetwork {
    return this._network;
  }

  set network(network: BitcoinNetwork) {
    if (network === this._network) return;
    this._network = network;
    this.inbound = this.inbound.then(() => this.recheck()).catch(() => undefined);
  }

  /** Resolves when every binding received so far has been checked. */
  settled(): Promise<void> {
    return this.inbound;
  }

  /** My binding, while this page proves a wallet. */
  get mine(): IdentityBinding | undefined {
    return this._mine;
  }

  /** The verified binding of a peer: the wallet address it controls. */
  bindingOf(peer: string): PeerBinding | undefined {
    return this.held.get(peer)?.verified;
  }

  /** Bindings refused from one peer. */
  rejectsFrom(peer: string): BindingRejects {
    return this.perPeer.get(peer) ?? { total: 0, byReason: {} };
  }

  /**
   * Asks `wallet` to sign the binding of this service's identity key to `address` (default: its payment
   * address when that is P2WPKH or P2TR, else its first such address), then sends it to every linked peer and
   * to peers that link later. Rejects when the wallet refuses, cannot sign messages, or its signature does not
   * verify.
   */
  async bind(wallet: WalletAdapter, address?: string): Promise<IdentityBinding> {
    await this.service.open();
    const identity = this.service.publicKey;
    if (!identity) throw new Error('The connection has no identity key yet.');
    if (!address) {
      const accounts = (await wallet.getAccounts()).filter((a) => a.addressType === 'p2wpkh' || a.addressType === 'p2tr');
      address = (accounts.find((a) => a.purpose === 'payment') ?? accounts[0])?.address;
      if (!address) throw new Error(`${wallet.id} has no P2WPKH or P2TR address to prove.`);
    }
    const { bindIdentity } = await bip322();
    const binding = await bindIdentity(wallet, { identity, address, now: this.now() });
    await this.setBinding(binding);
    return binding;
  }

  /**
   * Uses `binding` (made elsewhere, e.g. by the host with its own wallet) as this page's binding and sends it to
   * every linked peer; `undefined` withdraws it. Rejects a binding that does not bind this service's key or
   * does not verify.
   */
  async setBinding(binding: IdentityBinding | undefined): Promise<void> {
    if (!binding) return this.clear();
    await this.service.open();
    const { verifyIdentityBinding } = await bip322();
    const check = verifyIdentityBinding(binding, { identity: this.service.publicKey ?? '', network: binding.network, now: this.now() });
    if (!check.ok) throw new Error(`This binding cannot be used: ${check.reason}.`);
    this._mine = binding;
    this.sendAll({ t: 'bind', binding });
    this.emit();
  }

  /** Withdraws my binding: peers stop showing it. */
  clear(): void {
    if (!this._mine) return;
    this._mine = undefined;
    this.sendAll({ t: 'unbind' });
    this.emit();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.service.removeEventListener('peer-connected', this.onConnected);
    this.channel.close();
  }

  private emit(): void {
    this.dispatchEvent(new Event('change'));
  }

  private sendAll(m: BindingMessage): void {
    this.channel.sendMany(this.service.peers, m);
  }

  private readonly onConnected = (e: Event): void => {
    const peer = (e as PeerEvent).peer;
    // The same peer id behind another key is another person: what it proved before is not theirs.
    const held = this.held.get(peer);
    if (held && held.raw.identity.toLowerCase() !== this.service.peerIdentity(peer)?.publicKey?.toLowerCase()) {
      this.held.delete(peer);
      this.emit();
    }
    if (this._mine) this.channel.sendMany([peer], { t: 'bind', binding: this._mine });
  };

  private allow(peer: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(peer);
    if (!bucket) this.buckets.set(peer, (bucket = new TokenBucket(BINDING_PER_SECOND, BINDING_BURST, now)));
    if (bucket.take(now)) return true;
    this.count(peer, 'rate');
    this.emit();
    return false;
  }

  private count(peer: string, reason: BindingReject): void {
    const mine = this.perPeer.get(peer) ?? { total: 0, byReason: {} };
    this.perPeer.set(peer, mine);
    for (const r of [this.rejects, mine]) {
      r.total++;
      r.byReason[reason] = (r.byReason[reason] ?? 0) + 1;
    }
  }

  private async onMessage(m: BindingMessage, from: string): Promise<void> {
    if (this.disposed) return;
    if (m.t === 'unbind') {
      if (this.held.delete(from)) this.emit();
      return;
    }
    const key = this.service.peerIdentity(from)?.publicKey ?? '';
    const { verifyIdentityBinding } = await bip322();
    const check = verifyIdentityBinding(m.binding, { identity: key, network: this._network, now: this.now(), maxAgeMs: BINDING_MAX_AGE_MS });
    if (check.ok) {
      this.held.set(from, { raw: m.binding, verified: view(m.binding) });
    } else {
      this.count(from, check.code);
      // A binding of the link's own key that fails only for the network is kept unshown: a widget may set the
      // network it trades on after the peer's binding arrived. Anything else replaces nothing.
      if (check.code === 'network') this.held.set(from, { raw: m.binding, verified: undefined });
    }
    this.emit();
  }

  private async recheck(): Promise<void> {
    if (!this.held.size) return;
    const { verifyIdentityBinding } = await bip322();
    for (const [peer, held] of this.held) {
      const key = this.service.peerIdentity(peer)?.publicKey ?? held.raw.identity;
      const check = verifyIdentityBinding(held.raw, { identity: key, network: this._network, now: this.now(), maxAgeMs: BINDING_MAX_AGE_MS });
      held.verified = check.ok ? view(held.raw) : undefined;
    }
    this.emit();
  }
}

function view(b: IdentityBinding): PeerBinding {
  return { address: b.address, network: b.network, identity: b.identity.toLowerCase(), issued: b.issued };
}
