import { ContextConsumer } from '@lit/context';
import { localized, msg, str } from '@lit/localize';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { isChainSource, type AssetIndexer, type ChainSource, type WalletAdapter } from '../../bitcoin/wallet.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import { ConnectionController } from '../../context/connection-controller.js';
import { DarkswapElement } from '../../internal/base-element.js';
import { BusyGuard } from '../../internal/busy-guard.js';
import { formatNumber } from '../../internal/format.js';
import { headingText, notConnected, panelHeader, statusWord } from '../../internal/panel-header.js';
import type { TradeHost } from '../../features/trade/trade.bitcoin.js';
import { FeatureController } from '../../context/feature-controller.js';
import { TRADE_FEATURE, TradeFeature } from '../../features/trade/trade.feature.js';
import { failureText } from './trade.text.js';
import { walletContext, type WalletProvision } from '../../context/wallet-context.js';
import { TradeEngine, TradeNoticeEvent, type TradeErrorEvent } from '../../features/trade/trade.engine.js';
import {
  DarkswapTradeAcceptedEvent,
  DarkswapTradeCompletedEvent,
  DarkswapTradeFailedEvent,
  DarkswapTradeProposedEvent,
  DarkswapTradeSignedEvent,
} from './trade.events.js';
import { isTerminal, type TradeRecord } from '../../features/trade/trade.protocol.js';
import { isTradeProposal, ORDER_TAKEN, proposalToTerms, type TradeProposal } from '../../features/trade/trade.proposal.js';
import { reachMaker } from '../../features/trade/trade.reach.js';
import { DEFAULT_TRADE_STORE } from '../../features/trade/trade.store.js';
import { tradeStyles } from './trade.styles.js';
import { HISTORY_LIMIT, type TradeDeadlines, type TradeProposedDetail } from '../../features/trade/trade.types.js';

/** Trade states during which closing the page would interrupt a signature or its publication. */
const SIGNING_STATES: ReadonlySet<string> = new Set(['review', 'signing', 'awaiting-signature', 'awaiting-completion', 'broadcasting']);
import { readProposeForm, validateProposeForm, type ProposeRequest } from './trade.form.js';
import { historyItem, tradeCard, type TradeActions } from './trade.render.js';
import { CopyController } from '../../internal/copy-button.js';
import { LOCALIZED_REVIEW_TEXT } from './trade.review-text.js';
import { BindingController } from '../../context/binding-controller.js';
import { ChainFeeController, isFeeRateSource, type FeeRateSource } from './trade.chain-fee.js';

export type { ProposeRequest } from './trade.form.js';

/**
 * Atomic peer-to-peer swaps of BTC against runes or alkanes in one transaction. Shows incoming and outgoing
 * trade requests, accept/reject, a plain-words "what you sign" review before every wallet prompt, progress
 * with the counterparty's liveness and the step deadline, the history with txids, and exports a signed audit
 * log. Trades are kept in IndexedDB, so a reload resumes them. The wallet is only asked to sign a transaction
 * the kit built itself and verified against the agreed terms. Peer content is rendered as text only.
 *
 * @summary Peer-to-peer BTC ↔ rune/alkane swaps: requests, review, signing, progress, history.
 * @tag darkswap-trade
 * @fires darkswap-trade-proposed - A trade was proposed, by me or to me; `detail: { tradeId, peer, direction, role, terms, orderId }`.
 * @fires darkswap-trade-accepted - A proposal was accepted (either side); `detail: { tradeId, peer, role }`.
 * @fires darkswap-trade-signed - My wallet signed my inputs of the verified transaction; `detail: { tradeId, peer, role, txid }`.
 * @fires darkswap-trade-completed - The chain source sees the swap (without one: it was broadcast, or checked by the seller); `detail: { tradeId, peer, role, txid, direction, orderId? }`.
 * @fires darkswap-trade-failed - The trade ended without the swap (or the swap was replaced); `detail: { tradeId, peer, role, failure: { code, message, by, verifyCode?, stage? }, exposed }`.
 * @csspart base - The widget's outer box.
 * @csspart header - Title and status row.
 * @csspart title - The heading.
 * @csspart status - Connection and wallet status text.
 * @csspart not-connected - Shown when no connection service reached the widget.
 * @csspart no-wallet - Shown when no wallet or indexer was supplied.
 * @csspart propose-form - Form to propose a trade to a connected peer.
 * @csspart propose-button - Submits the proposal.
 * @csspart error - Error messages of the form and commands.
 * @csspart take-status - What a take from the orderbook is doing before its proposal leaves ("Connecting to the maker…").
 * @csspart announcement - The last completion or failure, announced politely.
 * @csspart trades - The list of trades in progress.
 * @csspart trade - One trade in progress.
 * @csspart trade-title - What the trade is, in words.
 * @csspart counterparty - The counterparty's peer id, code and liveness.
 * @csspart liveness - Online / reconnecting / offline.
 * @csspart bound-address - "controls bc1q…": the wallet address the counterparty proved with a BIP-322 identity binding, verified against its link key (with a copy button).
 * @csspart steps - The progress steps.
 * @csspart step - One progress step (`data-status`: complete, current, upcoming).
 * @csspart trade-state - The current state in words.
 * @csspart deadline - Time left for the current step.
 * @csspart accept-button - Accepts an incoming proposal.
 * @csspart reject-button - Rejects an incoming proposal.
 * @csspart review - The "what you sign" review.
 * @csspart review-send - What you send.
 * @csspart review-receive - What you receive.
 * @csspart review-fee - The network fee.
 * @csspart review-chain-fee - The chain's fee estimate (clamped to the fee band) beside the trade's rate, before Accept and in the review; shown when the chain source or indexer has `feeRate()`.
 * @csspart review-runestone - The decoded runestone and protostone.
 * @csspart review-outputs - Every output of the transaction.
 * @csspart confirm-button - Confirms the review and asks the wallet to sign.
 * @csspart cancel-button - Cancels a trade before my signature.
 * @csspart cancel-on-chain-button - Spends my exposed inputs back to me (after my signature left).
 * @csspart exposure - Says that my signature is out and my inputs stay reserved.
 * @csspart settlement - Where the swap is on chain (mempool, confirmed, unverified).
 * @csspart standby - Shown while another tab of the site runs this store's trades.
 * @csspart failure - Why a trade failed.
 * @csspart txid - A transaction id.
 * @csspart copy-button - Copies a transaction id or a counterparty's proved address (says "Copied" for 3 s).
 * @csspart history - The finished trades.
 * @csspart history-list - The list of finished trades.
 * @csspart history-item - One finished trade.
 * @csspart export-button - Exports the signed audit log as JSON.
 * @cssprop --darkswap-trade-background - Background (default `--darkswap-color-surface`).
 * @cssprop --darkswap-trade-card-background - Background of one trade (default `--darkswap-color-bg`).
 * @cssprop --darkswap-trade-border-color - Border colour (default `--darkswap-color-border`).
 * @cssprop --darkswap-trade-radius - Corner radius (default `--darkswap-radius`).
 * @cssprop --darkswap-trade-padding - Inner spacing (default `--darkswap-space-4`).
 * @cssprop --darkswap-trade-review-border-color - Border of the "what you sign" review (default `--darkswap-color-accent`).
 * @cssprop --darkswap-trade-step-done-color - Colour of completed steps (default `--darkswap-color-success`).
 * @cssprop --darkswap-trade-step-current-color - Colour of the current step (default `--darkswap-color-accent`).
 */
@localized()
export class DarkswapTrade extends DarkswapElement {
  static override styles = [...DarkswapElement.styles, ...tradeStyles];

  /** Heading text. The default, "Trade", is shown in the page's language. */
  @property() heading = 'Trade';

  /** IndexedDB database that keeps this widget's trades and audit log. */
  @property({ attribute: 'store-name' }) storeName = DEFAULT_TRADE_STORE;

  /** Fee rate (sat/vB) of trades proposed from this widget. */
  @property({ attribute: 'fee-rate', type: Number }) feeRate = 2;

  /** Lowest fee rate (sat/vB) this side accepts in a transaction. */
  @property({ attribute: 'min-fee-rate', type: Number }) minFeeRate = 1;

  /** Highest fee rate (sat/vB) this side accepts in a transaction. */
  @property({ attribute: 'max-fee-rate', type: Number }) maxFeeRate = 100;

  /** Take trades from `darkswap-order-taken` events of orderbooks on the page (order + take). */
  @property({ attribute: 'from-orderbook', type: Boolean }) fromOrderbook = false;

  /** A connection service to use instead of the one from context. */
  @property({ attribute: false }) connection: ConnectionApi | undefined;

  /** The host's wallet (wins over the wallet context). */
  @property({ attribute: false }) wallet: WalletAdapter | undefined;

  /** The host's asset indexer (wins over the wallet context). */
  @property({ attribute: false }) indexer: AssetIndexer | undefined;

  /** Publishes a raw transaction; resolves to its txid (default: the context's, else the wallet's `broadcast`). */
  @property({ attribute: false }) broadcast: ((txHex: string) => Promise<string>) | undefined;

  /** Time per step in ms (any subset of `accept`, `verify`, `sign`, `complete`), for trades started after the change. */
  @property({ attribute: false }) deadlines: Partial<TradeDeadlines> | undefined;

  /** Clock (epoch ms), injectable for tests. */
  @property({ attribute: false }) clock: () => number = Date.now;

  /** Where settlement is seen (transaction status, spent-by); default: the indexer when it is a chain source. */
  @property({ attribute: false }) chain: ChainSource | undefined;

  /**
   * When a trade fails after my signature left, spend my inputs back to me at once (the wallet is asked to
   * sign that cancel, after it was verified). Off by default: the widget offers a button.
   */
  @property({ attribute: 'auto-cancel-on-chain', type: Boolean }) autoCancelOnChain = false;

  @state() private provided: WalletProvision | undefined;
  @state() private formError = '';
  @state() private actionError = '';
  @state() private proposing = false;
  @state() private auditNote = '';
  @state() private announcement = '';
  /** What a take from the orderbook is doing before its proposal leaves (dialing the maker). */
  @state() private takeStatus = '';

  private ticker: ReturnType<typeof setInterval> | undefined;
  private seenFailures = new Set<string>();
  private storeWarned = false;

  private readonly conn = new ConnectionController(this, {});

  /** The chain's fee estimate (when the chain source or indexer gives one), shown before Accept and in the review. */
  private readonly chainFee = new ChainFeeController(this, {
    source: () => ([this.chain, this.indexer ?? this.provided?.indexer] as unknown[]).find((x): x is FeeRateSource => isFeeRateSource(x)),
    band: () => this.tradeHost()?.feeRateBand ?? { min: 1n, max: BigInt(Math.floor(this.maxFeeRate)) },
    wanted: () => this.trades.some((r) => r.state === 'incoming' || r.state === 'review'),
  });

  /** The one trade engine of the current service (one store, one writer), shared with other trade widgets on it. */
  private readonly shared = new FeatureController(this, this.conn, {
    key: TRADE_FEATURE,
    create: (service) => new TradeFeature(service, this.storeName),
    attach: (feature) => {
      if (feature.storeName !== this.storeName && !this.storeWarned) {
        this.storeWarned = true;
        console.warn(
          `[darkswap] <darkswap-trade store-name="${this.storeName}"> shares its service's trade engine, which stores in "${feature.storeName}" (the first widget's store).`,
        );
      }
      const engine = feature.engine;
      const change = () => this.requestUpdate();
      const notice = (e: Event) => this.onNotice(e as TradeNoticeEvent);
      const error = (e: Event) => (this.actionError = (e as TradeErrorEvent).message);
      engine.addEventListener('change', change);
      engine.addEventListener('notice', notice);
      engine.addEventListener('trade-error', error);
      void engine.ready.then(() => {
        // Failures already in the store were reported before the reload.
        for (const r of engine.trades) if (r.state === 'failed') this.seenFailures.add(r.id);
      });
      const leave = feature.join({
        host: () => this.tradeHost(),
        clock: () => this.clock(),
        deadlines: () => this.deadlines,
        autoCancelOnChain: () => this.autoCancelOnChain,
      });
      return () => {
        leave();
        engine.removeEventListener('change', change);
        engine.removeEventListener('notice', notice);
        engine.removeEventListener('trade-error', error);
      };
    },
  });

  private get engine(): TradeEngine | undefined {
    return this.shared.feature?.engine;
  }

  constructor() {
    super();
    new ContextConsumer(this, {
      context: walletContext,
      subscribe: true,
      callback: (value) => (this.provided = value),
    });
  }

  // ---- lifecycle -----------------------------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.ticker = setInterval(() => {
      if (this.engine?.trades.some((r) => !isTerminal(r.state))) this.requestUpdate();
    }, 1000);
    document.addEventListener(ORDER_TAKEN, this.onOrderbookProposal);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
    document.removeEventListener(ORDER_TAKEN, this.onOrderbookProposal);
  }

  /** Asks before the page closes, and keeps the screen on, while a trade is being signed or published. */
  private readonly busy = new BusyGuard(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.conn.inject(this.connection);
    this.busy.set(this.trades.some((t) => SIGNING_STATES.has(t.state)));
    if (changed.has('storeName') && this.engine && this.engine.store.name !== this.storeName) {
      this.storeWarned = false;
      this.shared.renew();
    }
  }

  /** What the engine needs from this widget's host page: wallet, indexer, broadcaster and fee band. */
  private tradeHost(): TradeHost | undefined {
    const wallet = this.wallet ?? this.provided?.wallet;
    const indexer = this.indexer ?? this.provided?.indexer;
    if (!wallet || !indexer) return undefined;
    const broadcast =
      this.broadcast ??
      this.provided?.broadcast ??
      (wallet.broadcast ? (hex: string) => wallet.broadcast!(hex) : async () => Promise.reject(new Error('no broadcaster: set the broadcast property')));
    const chain = this.chain ?? (isChainSource(indexer) ? indexer : undefined);
    return {
      wallet,
      indexer,
      broadcast,
      chain,
      feeRateBand: { min: BigInt(Math.max(1, Math.floor(this.minFeeRate))), max: BigInt(Math.floor(this.maxFeeRate)) },
      reviewText: LOCALIZED_REVIEW_TEXT,
    };
  }

  // ---- public API ----------------------------------------------------------------------------------------------

  /** Resolves once the stored trades are loaded (and resumed). */
  get ready(): Promise<void> {
    return this.engine?.ready ?? Promise.resolve();
  }

  /** Every trade this widget knows, newest first (plain data, as persisted). */
  get trades(): readonly TradeRecord[] {
    return this.engine?.trades ?? [];
  }

  /** One trade by id. */
  trade(id: string): TradeRecord | undefined {
    return this.engine?.get(id);
  }

  /** Proposes a trade to a connected peer; my contribution comes from my wallet. Resolves to the trade id. */
  async propose(peer: string, request: ProposeRequest): Promise<string> {
    const engine = this.requireEngine();
    const wallet = this.wallet ?? this.provided?.wallet;
    if (!wallet) throw new Error('No wallet: set the wallet property (or provide one with provideWallet()).');
    return engine.propose(peer, {
      role: request.role,
      orderId: request.orderId,
      terms: {
        version: 1,
        network: wallet.network,
        asset: { kind: request.asset.kind, id: request.asset.id },
        amount: request.amount.toString(),
        priceSats: request.priceSats.toString(),
        feeRate: (request.feeRate ?? BigInt(Math.floor(this.feeRate))).toString(),
        assetOutputValue: '546',
      },
    });
  }

  /**
   * Starts a trade from an orderbook take (`darkswap-order-taken` of `<darkswap-orderbook>`): terms from the
   * order and the take, sent to the maker (its peer id, or the connected peer with the maker's identity key).
   * Without a link to the maker, dials `makerPeer` (where the order's gossip says the maker is) and proposes only
   * when the peer there proves the order's maker key; a link opened for nothing is closed again.
   */
  async takeProposal(proposal: TradeProposal): Promise<string> {
    const engine = this.requireEngine();
    const wallet = this.wallet ?? this.provided?.wallet;
    if (!wallet) throw new Error('No wallet: set the wallet property (or provide one with provideWallet()).');
    const t = proposalToTerms(proposal, { network: wallet.network, feeRate: BigInt(Math.floor(this.feeRate)) });
    if (!t.ok) throw new Error(t.message);
    const peer = await reachMaker(this.conn.service, proposal, (text) => (this.takeStatus = text));
    return engine.propose(peer, { role: t.role, terms: t.terms, orderId: t.orderId });
  }

  accept(id: string): Promise<void> {
    return this.requireEngine().accept(id);
  }

  async reject(id: string, reason?: string): Promise<void> {
    await this.requireEngine().reject(id, reason);
  }

  /** Cancels a trade before my signature; throws when that is no longer possible. */
  async cancel(id: string): Promise<void> {
    const step = await this.requireEngine().cancel(id);
    if (step?.ignored) throw new Error(msg(str`Cannot cancel: ${step.ignored}.`));
  }

  /** Confirms the "what you sign" review of a trade: only then is the wallet asked to sign. */
  async confirm(id: string): Promise<void> {
    const step = await this.requireEngine().confirm(id);
    if (step?.ignored) throw new Error(msg(str`Cannot confirm: ${step.ignored}.`));
  }

  /**
   * After my signature left (the counterparty holds a signed swap), spends my inputs of that trade back to my
   * own address at a higher fee, so a late broadcast of the swap is refused or replaced. The cancel is built
   * and verified before the wallet is asked. Resolves to its txid.
   */
  cancelOnChain(id: string): Promise<string> {
    return this.requireEngine().cancelOnChain(id);
  }

  /** The signed audit log as JSON (verify it with `verifyAuditExport`). */
  exportAudit(): Promise<string> {
    return this.requireEngine().exportAudit(this.clock());
  }

  private requireEngine(): TradeEngine {
    if (!this.engine) throw new Error('<darkswap-trade> is not connected to the document.');
    return this.engine;
  }

  // ---- events --------------------------------------------------------------------------------------------------

  private onNotice(e: TradeNoticeEvent): void {
    const r = e.record;
    const base = { tradeId: r.id, peer: r.peer, role: r.role };
    switch (e.notice.kind) {
      case 'proposed': {
        const terms: TradeProposedDetail['terms'] = {
          kind: r.terms.asset.kind,
          assetId: r.terms.asset.id,
          amount: r.terms.amount,
          priceSats: r.terms.priceSats,
          feeRate: r.terms.feeRate,
          network: r.terms.network,
        };
        this.dispatchEvent(new DarkswapTradeProposedEvent({ ...base, direction: r.direction, terms, orderId: r.orderId }));
        break;
      }
      case 'accepted':
        this.dispatchEvent(new DarkswapTradeAcceptedEvent(base));
        break;
      case 'signed':
        this.dispatchEvent(new DarkswapTradeSignedEvent({ ...base, txid: r.myTxid ?? '' }));
        break;
      case 'completed':
        this.announcement = msg(str`Trade completed: transaction ${r.txid}.`);
        this.dispatchEvent(
          new DarkswapTradeCompletedEvent({ ...base, txid: r.txid ?? '', direction: r.direction, ...(r.orderId ? { orderId: r.orderId } : {}) }),
        );
        break;
      case 'failed':
        if (this.seenFailures.has(r.id) || !r.failure) break;
        this.seenFailures.add(r.id);
        this.announcement = msg(str`Trade failed: ${failureText(r.failure)}`);
        this.dispatchEvent(new DarkswapTradeFailedEvent({ ...base, failure: r.failure, exposed: r.mySignatureOut }));
        break;
    }
  }

  private readonly onOrderbookProposal = (e: Event): void => {
    if (!this.fromOrderbook) return;
    const detail = (e as CustomEvent<unknown>).detail;
    if (!isTradeProposal(detail)) return;
    this.actionError = '';
    this.takeProposal(detail).then(
      () => (this.actionError = ''),
      (err: Error) => (this.actionError = err.message),
    );
  };

  private run(action: () => Promise<unknown>): void {
    this.actionError = '';
    action().catch((err: Error) => (this.actionError = err.message));
  }

  /** What the buttons of a trade card do. */
  private readonly actions: TradeActions = {
    accept: (id) => this.run(() => this.accept(id)),
    reject: (id) => this.run(() => this.reject(id)),
    cancel: (id) => this.run(() => this.cancel(id)),
    confirm: (id) => this.run(() => this.confirm(id)),
    cancelOnChain: (id) => this.run(() => this.cancelOnChain(id)),
    copyButton: (value, what) => this.copier.button(value, what),
  };
  private readonly copier = new CopyController(this);
  /** What wallet each counterparty proved it controls, checked on the network of my wallet. */
  private readonly bindings = new BindingController(this, this.conn, () => (this.wallet ?? this.provided?.wallet)?.network);

  private onProposeSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = validateProposeForm(readProposeForm(new FormData(event.target as HTMLFormElement)));
    if (!form.ok) {
      this.formError = form.message;
      return;
    }
    this.formError = '';
    this.proposing = true;
    this.propose(form.peer, form.request)
      .then(
        () => undefined,
        (e: Error) => (this.formError = e.message),
      )
      .finally(() => (this.proposing = false));
  }

  private async exportToFile(): Promise<void> {
    try {
      const json = await this.exportAudit();
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `darkswap-trade-audit-${new Date(this.clock()).toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.auditNote = msg(str`Exported ${formatNumber(JSON.parse(json).entries.length)} signed entries.`);
    } catch (e) {
      this.auditNote = msg(str`Export failed: ${(e as Error).message}`);
    }
  }

  // ---- render --------------------------------------------------------------------------------------------------

  protected override render() {
    const service = this.conn.service;
    const wallet = this.wallet ?? this.provided?.wallet;
    const indexer = this.indexer ?? this.provided?.indexer;
    const all = this.trades;
    const active = all.filter((r) => !isTerminal(r.state));
    const history = all.filter((r) => isTerminal(r.state)).slice(0, HISTORY_LIMIT);
    const status = this.conn.status;
    const statusText =
      !service || status !== 'open' ? statusWord(status) : !wallet || !indexer ? msg('No wallet') : msg(str`${wallet.id} wallet on ${wallet.network}`);
    return html`<section part="base" aria-labelledby="title">
      ${panelHeader(headingText(this.heading, 'Trade', msg('Trade')), status, statusText)} ${notConnected(!service)}
      ${
        wallet && indexer
          ? nothing
          : html`<p part="no-wallet">
              ${msg(html`No wallet: the page must set this widget's <code>wallet</code> and <code>indexer</code> (or provide them).`)}
            </p>`
      }
      ${
        this.engine?.standby
          ? html`<p part="standby" role="status">
              ${msg('Trades of this site are open in another tab: they continue there. This one takes over when it closes.')}
            </p>`
          : nothing
      }
      ${service ? this.renderProposeForm(service.peers, !!wallet && !!indexer) : nothing}
      <p part="take-status" role="status">${this.takeStatus}</p>
      <p part="error" role="alert">${this.actionError}</p>
      <p part="announcement" role="status">${this.announcement}</p>
      <section aria-labelledby="active-title">
        <h3 id="active-title">${msg('Trades in progress')}</h3>
        ${
          active.length
            ? html`<ul part="trades">
                ${repeat(
                  active,
                  (r) => r.id,
                  (r) =>
                    tradeCard(r, {
                      service,
                      busy: this.engine?.busy(r.id),
                      now: this.clock(),
                      actions: this.actions,
                      chainFee: (rate) => this.chainFee.line(rate),
                      bound: (peer) => this.bindings.of(peer),
                    }),
                )}
              </ul>`
            : html`<p class="muted">${msg('None.')}</p>`
        }
      </section>
      <section part="history" aria-labelledby="history-title">
        <h3 id="history-title">${msg('History')}</h3>
        ${
          history.length
            ? html`<ul part="history-list">
                ${repeat(
                  history,
                  (r) => r.id,
                  (r) => historyItem(r, { busy: this.engine?.busy(r.id), actions: this.actions }),
                )}
              </ul>`
            : html`<p class="muted">${msg('No finished trades yet.')}</p>`
        }
        <div class="actions">
          <button part="export-button" type="button" class="secondary" ?disabled=${!this.engine} @click=${this.exportToFile}>
            ${msg('Export signed audit log')}
          </button>
          <span role="status" class="muted">${this.auditNote}</span>
        </div>
      </section>
    </section>`;
  }

  private renderProposeForm(peers: readonly string[], canTrade: boolean) {
    return html`<form part="propose-form" aria-label=${msg('Propose a trade')} @submit=${this.onProposeSubmit}>
        <label
          >${msg('Peer')}
          <select name="peer" required>
            ${peers.length ? peers.map((p) => html`<option value=${p}>${p}</option>`) : html`<option value="">${msg('No connected peer')}</option>`}
          </select>
        </label>
        <label
          >${msg('You')}
          <select name="role">
            <option value="buyer">${msg('Buy the asset (pay BTC)')}</option>
            <option value="seller">${msg('Sell the asset (get BTC)')}</option>
          </select>
        </label>
        <label
          >${msg('Asset kind')}
          <select name="kind">
            <option value="rune">${msg('Rune')}</option>
            <option value="alkane">${msg('Alkane')}</option>
          </select>
        </label>
        <label>${msg('Asset id (block:tx)')} <input name="asset-id" autocomplete="off" spellcheck="false" placeholder="840000:3" /></label>
        <label>${msg('Amount (units)')} <input name="amount" inputmode="numeric" autocomplete="off" /></label>
        <label>${msg('Price (sats)')} <input name="price" inputmode="numeric" autocomplete="off" /></label>
        <label>${msg('Fee rate (sat/vB)')} <input name="fee" inputmode="numeric" autocomplete="off" .value=${String(this.feeRate)} /></label>
        <button part="propose-button" type="submit" ?disabled=${!canTrade || peers.length === 0 || this.proposing}>${msg('Propose trade')}</button>
      </form>
      <p part="error" id="form-error" role="alert">${this.formError}</p>`;
  }
}
