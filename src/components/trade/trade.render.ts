/**
 * The trade widget's templates for one trade: the card of a trade in progress (counterparty, progress steps,
 * deadline, accept/reject/cancel), its "what you sign" review, and a finished trade in the history. Functions
 * of plain data returning lit templates; the element passes in what they show and what the buttons do.
 */
import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { ConnectionApi } from '../../core/connection-api.js';
import { canCancel, type TradeRecord } from '../../features/trade/trade.protocol.js';
import { failureText } from './trade.text.js';
import { PROGRESS_STEPS } from '../../features/trade/trade.types.js';
import { boundAddress } from '../../internal/bound-address.js';
import { formatNumber } from '../../internal/format.js';

/** A whole number (amounts in units or sats) in the active language. */
const fmt = (n: bigint): string => formatNumber(n);

/** What a trade in each state waits for, in the active language. */
function stateLabel(state: TradeRecord['state']): string {
  switch (state) {
    case 'proposed':
      return msg('Waiting for the counterparty to accept');
    case 'incoming':
      return msg('Proposed to you: accept or reject');
    case 'verifying':
      return msg('Building and verifying the transaction');
    case 'awaiting-ready':
      return msg('Verified; waiting for the counterparty to verify');
    case 'awaiting-signature':
      return msg("Waiting for the seller's signature");
    case 'review':
      return msg('Review what you sign, then confirm');
    case 'signing':
      return msg('Waiting for your wallet to sign');
    case 'awaiting-completion':
      return msg("Signed; waiting for the buyer's signature and broadcast");
    case 'broadcasting':
      return msg('Finalizing and broadcasting');
    case 'settling':
      return msg('Published; waiting to see it on chain');
    case 'done':
      return msg('Completed');
    default:
      return msg('Failed');
  }
}

/** The progress steps' labels (PROGRESS_STEPS, in that order) in the active language. */
function stepLabels(): readonly string[] {
  return [msg('Proposed'), msg('Accepted'), msg('Verified'), msg('Seller signed'), msg('Buyer signed'), msg('Broadcast')];
}

/** Index of the step in progress (PROGRESS_STEPS), PROGRESS_STEPS.length when all are done. */
export function progressIndex(r: TradeRecord): number {
  switch (r.state) {
    case 'proposed':
    case 'incoming':
      return 1;
    case 'verifying':
    case 'awaiting-ready':
      return 2;
    case 'awaiting-signature':
      return r.peerPsbt ? 4 : 3;
    case 'review':
    case 'signing':
      return r.role === 'seller' ? 3 : 4;
    case 'awaiting-completion':
      return 4;
    case 'broadcasting':
    case 'settling':
      return 5;
    case 'done':
      return PROGRESS_STEPS.length;
    default:
      return -1;
  }
}

/** What the trade is, in words, from my side. */
export function tradeTitle(r: TradeRecord): string {
  const asset = msg(str`${fmt(BigInt(r.terms.amount))} units of ${r.terms.asset.kind} ${r.terms.asset.id}`);
  const price = msg(str`${fmt(BigInt(r.terms.priceSats))} sats`);
  return r.role === 'seller' ? msg(str`You sell ${asset} for ${price}`) : msg(str`You buy ${asset} for ${price}`);
}

/** What the buttons of a trade do (the element runs them and shows their errors). */
export interface TradeActions {
  accept(id: string): void;
  reject(id: string): void;
  cancel(id: string): void;
  confirm(id: string): void;
  cancelOnChain(id: string): void;
  /** A copy button for a long value (transaction id), from the element's CopyController. */
  copyButton(value: string, what: string): TemplateResult;
}

/** What a trade card shows besides the record. */
export interface TradeCardContext {
  /** The connection service (the counterparty's link status and code). */
  readonly service: ConnectionApi | undefined;
  /** What the engine is doing for the trade right now, if anything. */
  readonly busy: string | undefined;
  /** Now (epoch ms), for the time left of the step. */
  readonly now: number;
  readonly actions: TradeActions;
  /** The chain's fee estimate line for a trade at this fee rate (trade.chain-fee.ts), if the host has one. */
  readonly chainFee?: (tradeRate: string) => TemplateResult | typeof nothing;
  /** The wallet address a peer proved it controls (features/binding), if any. */
  readonly bound?: (peer: string) => { readonly address: string; readonly network: string } | undefined;
}

/** One trade in progress. */
export function tradeCard(r: TradeRecord, { service, busy, now, actions, chainFee, bound }: TradeCardContext): TemplateResult {
  const link = service?.linkStatus(r.peer);
  const online = link === 'open';
  const liveness = online ? msg('Online') : link === 'reconnecting' || link === 'connecting' ? msg('Reconnecting…') : msg('Offline');
  const sas = online ? service?.peerIdentity(r.peer)?.sas : undefined;
  const left = r.deadline !== undefined ? Math.max(0, Math.ceil((r.deadline - now) / 1000)) : undefined;
  const current = progressIndex(r);
  const titleId = `trade-${r.id}`;
  return html`<li part="trade" data-state=${r.state} data-trade-id=${r.id} aria-labelledby=${titleId}>
    <h4 part="trade-title" id=${titleId}>${tradeTitle(r)}</h4>
    <p part="counterparty">
      ${r.direction === 'in' ? msg('From') : msg('To')} <code>${r.peer}</code>${sas ? html` · ${msg(str`code ${sas}`)}` : nothing} ·
      <span part="liveness" data-online=${online ? 'true' : 'false'}>${liveness}</span>
      ${boundAddress(bound?.(r.peer), actions.copyButton)}
    </p>
    <ol part="steps" aria-label=${msg('Progress')}>
      ${stepLabels().map((label, i) => {
        const s = i < current ? 'complete' : i === current ? 'current' : 'upcoming';
        return html`<li part="step" data-status=${s} aria-current=${s === 'current' ? 'step' : 'false'}>${label}</li>`;
      })}
    </ol>
    <p part="trade-state" data-state=${r.state}>${busy === 'prepare' ? msg('Preparing your side from your wallet') : stateLabel(r.state)}</p>
    ${left !== undefined ? html`<p part="deadline" class="muted">${msg(str`Step deadline: ${formatNumber(left)} s left`)}</p>` : nothing}
    ${
      r.state === 'incoming'
        ? html`<div class="actions">
            <button part="accept-button" type="button" ?disabled=${!!busy} @click=${() => actions.accept(r.id)}>
              ${msg(html`Accept<span class="visually-hidden"> trade ${tradeTitle(r)}</span>`)}
            </button>
            <button part="reject-button" type="button" class="secondary" ?disabled=${!!busy} @click=${() => actions.reject(r.id)}>
              ${msg(html`Reject<span class="visually-hidden"> trade ${tradeTitle(r)}</span>`)}
            </button>
          </div>`
        : nothing
    }
    ${r.state === 'incoming' ? feeLine(r) : nothing} ${r.state === 'incoming' || r.state === 'review' ? (chainFee?.(r.terms.feeRate) ?? nothing) : nothing}
    ${r.state === 'review' && r.review ? tradeReview(r, actions) : nothing} ${exposure(r, busy, actions)}
    ${
      r.state !== 'incoming' && r.state !== 'review' && canCancel(r)
        ? html`<div class="actions">
            <button part="cancel-button" type="button" class="secondary" ?disabled=${busy === 'prepare'} @click=${() => actions.cancel(r.id)}>
              ${msg('Cancel trade')}
            </button>
          </div>`
        : nothing
    }
  </li>`;
}

/** The "what you sign" review of a trade in state `review` (its `review` is set). */
export function tradeReview(r: TradeRecord, actions: TradeActions): TemplateResult {
  const review = r.review!;
  const list = (items: readonly string[]) =>
    html`<ul>
      ${items.map((i) => html`<li>${i}</li>`)}
    </ul>`;
  const id = `review-${r.id}`;
  return html`<section part="review" aria-labelledby=${id}>
    <h5 id=${id}>${msg('What you sign')}</h5>
    <p>${msg('Your wallet will be asked to sign only your inputs of this transaction. Nothing is signed until you confirm.')}</p>
    <dl>
      <dt>${msg('You send')}</dt>
      <dd part="review-send">${list(review.send)}</dd>
      <dt>${msg('You receive')}</dt>
      <dd part="review-receive">${list(review.receive)}</dd>
      <dt>${msg('Network fee')}</dt>
      <dd part="review-fee">${review.fee}</dd>
      <dt>${msg('Runestone')}</dt>
      <dd part="review-runestone">${list(review.runestone)}</dd>
      ${
        review.protostone.length
          ? html`<dt>${msg('Protostone')}</dt>
              <dd part="review-runestone">${list(review.protostone)}</dd>`
          : nothing
      }
      <dt>${msg('Outputs')}</dt>
      <dd part="review-outputs">${list(review.outputs)}</dd>
      <dt>${msg('Your inputs')}</dt>
      <dd>${list(review.myInputs)}</dd>
      <dt>${msg('Transaction id')}</dt>
      <dd><code part="txid">${review.txid}</code> ${actions.copyButton(review.txid, msg('transaction id'))}</dd>
    </dl>
    <div class="actions">
      <button part="confirm-button" type="button" @click=${() => actions.confirm(r.id)}>${msg('Confirm and sign')}</button>
      <button part="cancel-button" type="button" class="secondary" @click=${() => actions.cancel(r.id)}>${msg('Cancel trade')}</button>
    </div>
  </section>`;
}

/** Before Accept: the fee rate and who pays the fee (the buyer pays the whole network fee). */
function feeLine(r: TradeRecord): TemplateResult {
  const payer = r.role === 'buyer' ? msg('you (the buyer)') : msg('the buyer');
  // Before the coins are known the size is an estimate: one input a side (or as many as are known), ~68 vB each,
  // and ~190 vB of outputs (four payments and the runestone) and overhead. The review shows the exact fee.
  const inputs = (r.seller?.inputs.length ?? 1) + (r.buyer?.inputs.length ?? 1);
  const vsize = 190 + 68 * inputs;
  const estimate = BigInt(r.terms.feeRate) * BigInt(vsize);
  return html`<p part="fee">
    ${msg(
      str`Network fee: ${formatNumber(BigInt(r.terms.feeRate))} sat/vB, about ${fmt(estimate)} sats (~${formatNumber(vsize)} vB), paid by ${payer}. The seller brings only the inputs the amount needs.`,
    )}
  </p>`;
}

/** After my signature left: say so, and offer the way out on chain until my inputs are spent in a block. */
function exposure(r: TradeRecord, busy: string | undefined, actions: TradeActions): TemplateResult | typeof nothing {
  if (!r.mySignatureOut || r.exposureCleared || r.state === 'done' || r.state === 'settling' || r.state === 'broadcasting') return nothing;
  if (r.cancelTx) {
    return html`<p part="exposure">
      ${msg(html`Cancel transaction <code part="txid">${r.cancelTx.txid}</code> is out; waiting for a block.`)}
      ${actions.copyButton(r.cancelTx.txid, msg('cancel transaction id'))}
    </p>`;
  }
  return html`<div part="exposure" class="actions">
    <p>${msg('Your signature was sent: the counterparty can still publish the swap. Your inputs stay reserved until they are spent.')}</p>
    <button part="cancel-on-chain-button" type="button" class="secondary" ?disabled=${busy === 'cancel-on-chain'} @click=${() => actions.cancelOnChain(r.id)}>
      ${busy === 'cancel-on-chain' ? msg('Cancelling on chain…') : msg('Cancel on chain')}<span class="visually-hidden">
        ${msg(str`trade ${tradeTitle(r)}`)}</span
      >
    </button>
  </div>`;
}

function settlementWord(s: NonNullable<TradeRecord['settlement']>): string {
  return s === 'mempool' ? msg('seen in the mempool') : s === 'confirmed' ? msg('confirmed') : msg('published (not checked on chain)');
}

/** How a finished trade ended, in one word: a cancel or a refusal is not a failure. */
export function resultWord(r: TradeRecord): string {
  if (r.state === 'done') return msg('Completed');
  if (r.failure?.code === 'cancelled') return msg('Cancelled');
  if (r.failure?.code === 'rejected') return msg('Declined');
  return msg('Failed');
}

/** One finished trade. */
export function historyItem(r: TradeRecord, { busy, actions }: { busy: string | undefined; actions: TradeActions }): TemplateResult {
  return html`<li part="history-item" data-state=${r.state} data-trade-id=${r.id}>
    <span>${tradeTitle(r)}</span>
    <span class="result">${resultWord(r)}</span>
    ${
      r.state === 'done' && r.txid
        ? html`<span>${msg('txid')} <code part="txid">${r.txid}</code> ${actions.copyButton(r.txid, msg('transaction id'))}</span>`
        : nothing
    }
    ${r.state === 'done' && r.settlement ? html`<span part="settlement">${settlementWord(r.settlement)}</span>` : nothing}
    ${r.failure ? html`<span part="failure">${failureText(r.failure)}</span>` : nothing} ${exposure(r, busy, actions)}
  </li>`;
}
