import { ContextConsumer } from '@lit/context';
import { localized, msg, str } from '@lit/localize';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AssetIndexer, WalletAccount } from '../../bitcoin/wallet.js';
import type { BitcoinNetwork } from '../../bitcoin/wire.js';
import { detectWallets, loadWallet, type BrowserWallet, type WalletOption } from '../../bitcoin/wallets/providers.js';
import { isWalletError } from '../../bitcoin/wallets/wallet-error.js';
import { walletContext, type WalletProvision } from '../../context/wallet-context.js';
import { BindingController } from '../../context/binding-controller.js';
import { ConnectionController } from '../../context/connection-controller.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { IdentityBinding } from '../../bitcoin/wallets/bip322.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { panelHeader } from '../../internal/panel-header.js';
import { DarkswapWalletConnectedEvent, DarkswapWalletDisconnectedEvent, DarkswapWalletErrorEvent } from './wallet.events.js';
import { provideWalletAt, type WalletProvisionHandle } from './wallet.provision.js';
import { walletStyles } from './wallet.styles.js';
import { accountLabel, errorText, networkName, orderedAccounts, truncateAddress } from './wallet.view.js';

/** Re-scans after the element connects: some extensions inject their provider after the page's scripts ran. */
const RESCAN_MS = [500, 2_000];

/**
 * Connects a browser wallet (Xverse and other sats-connect wallets, UniSat, Leather) and provides it to the
 * trade widgets through the wallet context. Lists the wallets installed in this browser (from the providers
 * they inject), connects the one the user picks (its adapter is loaded only then), shows the connected
 * addresses (shortened, with a copy button) and network, and disconnects. A wallet on another network than
 * the `network` attribute is refused. The adapter only ever signs PSBTs the kit built and verified, and refuses
 * a returned PSBT that differs in anything but signatures.
 *
 * With a connection service (from `<darkswap-connection>` or the `connection` property), "Prove this wallet to
 * peers" asks the wallet to sign (BIP-322) a statement binding the connection's identity key to its payment
 * address; linked peers verify it against the link's key and show "controls bc1q…" beside this identity.
 * "Stop proving" and disconnecting withdraw it. Optional: nothing is sent unless the user asks.
 *
 * Put `<darkswap-trade>` inside it, or add `page` to provide for the whole document. The indexer and
 * broadcaster come from a wallet context above it (`provideWallet()`) or from its own `indexer` and
 * `broadcast` properties.
 *
 * @summary Pick, connect and show a browser wallet; provides it to the trade widgets.
 * @tag darkswap-wallet
 * @slot - Widgets that use the connected wallet (e.g. `<darkswap-trade>`).
 * @fires darkswap-wallet-connected - A wallet was connected; `detail: { wallet, name, network, addresses }`.
 * @fires darkswap-wallet-disconnected - The wallet was disconnected; `detail: { wallet, name }`.
 * @fires darkswap-wallet-error - Connecting failed; `detail: { wallet, name, code, message }` (`code`: not-installed, rejected, wrong-network, locked, not-connected, timeout, malformed, tampered, unsupported, failed).
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Connected / waiting / not connected, in words.
 * @csspart wallet-list - The installed wallets.
 * @csspart wallet-button - Connects one wallet (`data-wallet`: its id).
 * @csspart empty - Shown when no wallet is installed.
 * @csspart rescan-button - Looks for wallets again.
 * @csspart connected - The connected wallet: name, network, addresses, disconnect.
 * @csspart wallet-name - The connected wallet's name.
 * @csspart network - The network (`data-network`: mainnet, testnet4, signet, regtest).
 * @csspart accounts - The connected addresses.
 * @csspart account - One address (`data-purpose`: payment, ordinals).
 * @csspart account-purpose - Payment or Ordinals.
 * @csspart address - The address, shortened (the full one is its title and is read by screen readers).
 * @csspart copy-button - Copies the full address.
 * @csspart disconnect-button - Disconnects the wallet.
 * @csspart prove-button - Asks the wallet to sign the identity binding and sends it to peers (shown with a connection service and a wallet that signs messages).
 * @csspart proved - Says which address peers see this identity control.
 * @csspart stop-proving-button - Withdraws the binding from peers.
 * @csspart error - Why connecting failed, in plain words.
 * @csspart live - The polite live region (copied, connected).
 * @cssprop --darkswap-wallet-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-wallet-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-wallet-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-wallet-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-wallet-network-color - The network badge (default `--darkswap-color-accent`).
 */
@localized()
export class DarkswapWallet extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...walletStyles];

  /** Heading text (default "Wallet"). */
  @property() heading = '';

  /** The network this site trades on (mainnet, testnet4, signet, regtest): a wallet on another one is refused. */
  @property() network: BitcoinNetwork = 'mainnet';

  /** Provide the wallet to the whole document instead of only to the widgets inside this element. */
  @property({ type: Boolean, reflect: true }) page = false;

  /** How long one wallet call may take (ms) before it fails with `timeout`. */
  @property({ type: Number }) timeout = 120_000;

  /** The wallets to offer, instead of those detected in the browser (e.g. a host's own `WalletOption`s). */
  @property({ attribute: false }) wallets: readonly WalletOption[] | undefined;

  /** Where wallets inject their providers (default `window`). */
  @property({ attribute: false }) providerRoot: object | undefined;

  /** The asset indexer to provide with the wallet (default: the one from a wallet context above). */
  @property({ attribute: false }) indexer: AssetIndexer | undefined;

  /** Publishes a raw transaction; resolves to its txid (default: the one from a wallet context above). */
  @property({ attribute: false }) broadcast: ((txHex: string) => Promise<string>) | undefined;

  /** A connection service to prove the wallet on, instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  @state() private detected: WalletOption[] = [];
  @state() private current: BrowserWallet | undefined;
  @state() private pending: WalletOption | undefined;
  @state() private error = '';
  @state() private live = '';
  @state() private proving = false;

  private readonly conn = new ConnectionController(this, {});
  /** The identity binding (features/binding) of the service: mine to send, peers' to show. */
  private readonly bindings = new BindingController(this, this.conn, () => this.network);

  private upstream: WalletProvision | undefined;
  private provision: WalletProvisionHandle | undefined;
  private readonly published = new WeakSet<object>();
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor() {
    super();
    new ContextConsumer(this, {
      context: walletContext,
      subscribe: true,
      callback: (value) => {
        if (value && this.published.has(value)) return; // our own provision, seen from below the document
        this.upstream = value;
        this.publish();
      },
    });
  }

  /** The connected wallet's adapter (also what the wallet context provides). */
  get wallet(): BrowserWallet | undefined {
    return this.current;
  }

  /** The wallets offered: the `wallets` property, or those detected in the browser. */
  get options(): readonly WalletOption[] {
    return this.wallets ?? this.detected;
  }

  /** Looks for installed wallets again. */
  detect(): readonly WalletOption[] {
    const found = detectWallets(this.providerRoot ?? globalThis);
    const same = found.length === this.detected.length && found.every((o, i) => o.id === this.detected[i]!.id && o.name === this.detected[i]!.name);
    if (!same) this.detected = found;
    return this.detected;
  }

  /** Loads the adapter of wallet `id`, connects it (the wallet prompts) and provides it. Rejects with a `WalletError`. */
  async connect(id: string): Promise<BrowserWallet> {
    const option = this.options.find((o) => o.id === id);
    if (!option) throw new Error(`No wallet "${id}" is offered here.`);
    this.pending = option;
    this.error = '';
    try {
      const wallet = await loadWallet(option, { network: this.network, timeoutMs: this.timeout, win: this.providerRoot ?? globalThis });
      const accounts = await wallet.connect();
      const previous = this.current;
      this.current = wallet;
      this.publish();
      if (previous && previous !== wallet) {
        this.stopProving();
        void previous.disconnect().catch(() => undefined);
      }
      this.live = msg(str`Connected to ${wallet.name}.`);
      this.dispatchEvent(
        new DarkswapWalletConnectedEvent({
          wallet: wallet.id,
          name: wallet.name,
          network: wallet.network,
          addresses: orderedAccounts(accounts).map((a) => a.address),
        }),
      );
      return wallet;
    } catch (e) {
      const code = isWalletError(e) ? e.code : 'failed';
      this.error = errorText(code, option.name);
      this.dispatchEvent(new DarkswapWalletErrorEvent({ wallet: option.id, name: option.name, code, message: (e as Error).message }));
      throw e;
    } finally {
      this.pending = undefined;
    }
  }

  /**
   * Asks the connected wallet to sign the binding of the connection's identity key to its payment address (or
   * `address`) and sends it to linked peers and to peers that link later. Rejects when there is no wallet or
   * connection, or the wallet refuses.
   */
  async prove(address?: string): Promise<IdentityBinding> {
    const wallet = this.current;
    const engine = this.bindings.engine;
    if (!wallet || !engine) throw new Error('<darkswap-wallet> needs a connected wallet and a connection service to prove the wallet.');
    this.proving = true;
    this.error = '';
    try {
      const binding = await engine.bind(wallet, address);
      this.live = msg('Peers now see that you control this wallet.');
      return binding;
    } catch (e) {
      this.error = isWalletError(e) ? errorText(e.code, wallet.name) : msg(str`${wallet.name} did not prove the wallet: ${(e as Error).message}`);
      throw e;
    } finally {
      this.proving = false;
    }
  }

  /** Withdraws the binding: peers stop showing that this identity controls the wallet. */
  stopProving(): void {
    this.bindings.engine?.clear();
  }

  /** Disconnects the wallet: it is no longer provided (and no longer proved to peers). */
  async disconnect(): Promise<void> {
    const wallet = this.current;
    if (!wallet) return;
    this.stopProving();
    this.current = undefined;
    this.publish();
    this.live = msg(str`Disconnected from ${wallet.name}.`);
    this.dispatchEvent(new DarkswapWalletDisconnectedEvent({ wallet: wallet.id, name: wallet.name }));
    await wallet.disconnect().catch(() => undefined);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.detect();
    this.timers = RESCAN_MS.map((ms) => setTimeout(() => this.detect(), ms));
    this.ensureProvision();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const t of this.timers) clearTimeout(t);
    this.provision?.detach();
    this.provision = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    // A wallet connected for another network is not this site's any more.
    if (changed.has('network') && this.current && this.current.network !== this.network) void this.disconnect();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('page')) this.ensureProvision();
    if (changed.has('indexer') || changed.has('broadcast')) this.publish();
  }

  private ensureProvision(): void {
    if (!this.isConnected) return;
    const target = this.page ? document : this;
    if (this.provision?.target === target) return;
    this.provision?.detach();
    this.provision = provideWalletAt(target, this.value());
  }

  private value(): WalletProvision {
    const value: WalletProvision = {
      wallet: this.current ?? this.upstream?.wallet,
      indexer: this.indexer ?? this.upstream?.indexer,
      broadcast: this.broadcast ?? this.upstream?.broadcast,
    };
    this.published.add(value);
    return value;
  }

  private publish(): void {
    this.provision?.set(this.value());
  }

  private async choose(option: WalletOption): Promise<void> {
    try {
      await this.connect(option.id);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part~="disconnect-button"]')?.focus();
    } catch {
      /* shown in the error part and fired as darkswap-wallet-error */
    }
  }

  private async copy(address: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(address);
      this.live = msg('Address copied.');
    } catch {
      this.live = msg('Copying failed: select the address and copy it.');
    }
  }

  private renderConnected(w: BrowserWallet): TemplateResult {
    const account = (a: WalletAccount) => {
      const label = accountLabel(a);
      return html`<li part="account" data-purpose=${a.purpose}>
        <span part="account-purpose">${label}</span>
        <code part="address" title=${a.address}
          ><span aria-hidden="true">${truncateAddress(a.address)}</span><span class="visually-hidden">${a.address}</span></code
        >
        <button
          part="copy-button"
          class="secondary"
          type="button"
          aria-label=${msg(str`Copy the ${label.toLowerCase()} address`)}
          @click=${() => this.copy(a.address)}
        >
          ${msg('Copy')}
        </button>
      </li>`;
    };
    return html`<div part="connected">
      <div class="line">
        <span part="wallet-name">${w.name}</span>
        <span part="network" data-network=${w.network}>${networkName(w.network)}</span>
      </div>
      <ul part="accounts" aria-label=${msg('Connected addresses')}>
        ${orderedAccounts(w.accounts).map(account)}
      </ul>
      ${this.renderProof(w)}
      <div class="line">
        <button part="disconnect-button" class="secondary" type="button" @click=${() => this.disconnect()}>${msg('Disconnect')}</button>
      </div>
    </div>`;
  }

  /** "Prove this wallet to peers", or what peers see and "Stop proving". */
  private renderProof(w: BrowserWallet): TemplateResult | typeof nothing {
    const engine = this.bindings.engine;
    if (!engine || !w.signMessage) return nothing;
    const mine = engine.mine;
    if (mine && w.accounts.some((a) => a.address === mine.address)) {
      const address = html`<code title=${mine.address}
        ><span aria-hidden="true">${truncateAddress(mine.address)}</span><span class="visually-hidden">${mine.address}</span></code
      >`;
      return html`<p part="proved">${msg(html`Peers see that you control ${address}.`)}</p>
        <div class="line">
          <button part="stop-proving-button" class="secondary" type="button" @click=${() => this.stopProving()}>${msg('Stop proving')}</button>
        </div>`;
    }
    return html`<div class="line">
      <button part="prove-button" class="secondary" type="button" ?disabled=${this.proving} @click=${() => void this.prove().catch(() => undefined)}>
        ${this.proving ? msg('Waiting for the wallet…') : msg('Prove this wallet to peers')}
      </button>
    </div>`;
  }

  private renderChoices(): TemplateResult {
    const options = this.options;
    if (!options.length) {
      return html`<p part="empty">
          ${msg('No Bitcoin wallet was found in this browser. Install Xverse, UniSat or Leather (or another sats-connect wallet), then look again.')}
        </p>
        <div class="line">
          <button part="rescan-button" class="secondary" type="button" @click=${() => this.detect()}>${msg('Look again')}</button>
        </div>`;
    }
    return html`<ul part="wallet-list" aria-label=${msg('Installed wallets')}>
      ${options.map(
        (o) =>
          html`<li>
            <button part="wallet-button" type="button" data-wallet=${o.id} ?disabled=${!!this.pending} @click=${() => this.choose(o)}>
              ${this.pending?.id === o.id ? msg(str`Connecting ${o.name}…`) : msg(str`Connect ${o.name}`)}
            </button>
          </li>`,
      )}
    </ul>`;
  }

  override render(): TemplateResult {
    const w = this.current;
    const status = w ? 'open' : this.pending ? 'connecting' : 'idle';
    const statusText = w ? msg(str`Connected: ${w.name}`) : this.pending ? msg(str`Waiting for ${this.pending.name}…`) : msg('No wallet connected');
    return html`<section part="base" aria-labelledby="title" aria-busy=${this.pending ? 'true' : 'false'}>
        ${panelHeader(this.heading || msg('Wallet'), status, statusText)} ${w ? this.renderConnected(w) : this.renderChoices()}
        ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
        <p part="live" class="visually-hidden" aria-live="polite">${this.live}</p>
      </section>
      <slot></slot>`;
  }
}
