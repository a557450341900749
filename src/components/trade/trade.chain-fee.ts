/**
 * The chain's fee estimate beside a trade's own fee rate, before Accept and in the review: asked from the host's
 * chain source (the `chain` property, else the indexer) when it offers `feeRate()` (the kit's chain adapters
 * do), at most every 30 s and only while a trade waits for Accept or a review. The estimate is guarded by the
 * widget's fee band (`min-fee-rate`…`max-fee-rate`): what is shown as the rate to use is clamped to it.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { msg, str } from '@lit/localize';

/** What gives a fee rate (sat/vB) for a confirmation target; undefined when it has no estimate. */
export interface FeeRateSource {
  feeRate(targetBlocks?: number): Promise<bigint | undefined>;
}

export function isFeeRateSource(value: unknown): value is FeeRateSource {
  return typeof (value as Partial<FeeRateSource> | undefined)?.feeRate === 'function';
}

/** Blocks the estimate aims at. */
const TARGET_BLOCKS = 3;
const REFRESH_MS = 30_000;

export interface ChainFeeView {
  /** The chain's estimate, sat/vB. */
  readonly estimate: bigint;
  /** The estimate clamped to the band. */
  readonly guarded: bigint;
  readonly min: bigint;
  readonly max: bigint;
}

export class ChainFeeController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #source: () => FeeRateSource | undefined;
  readonly #band: () => { min: bigint; max: bigint };
  readonly #wanted: () => boolean;
  #estimate: bigint | undefined;
  #error = '';
  #at = -Infinity;
  #asked: FeeRateSource | undefined;
  #loading = false;

  constructor(
    host: ReactiveControllerHost,
    options: { source: () => FeeRateSource | undefined; band: () => { min: bigint; max: bigint }; wanted: () => boolean },
  ) {
    this.#host = host;
    this.#source = options.source;
    this.#band = options.band;
    this.#wanted = options.wanted;
    host.addController(this);
  }

  hostUpdate(): void {
    const source = this.#source();
    if (source !== this.#asked) {
      this.#asked = source;
      this.#estimate = undefined;
      this.#error = '';
      this.#at = -Infinity;
    }
    if (!source || this.#loading || !this.#wanted() || performance.now() - this.#at < REFRESH_MS) return;
    this.#loading = true;
    this.#at = performance.now();
    source
      .feeRate(TARGET_BLOCKS)
      .then(
        (rate) => {
          if (source !== this.#asked) return;
          this.#estimate = rate;
          this.#error = rate === undefined ? msg('the chain source has no estimate') : '';
        },
        (e: unknown) => {
          if (source !== this.#asked) return;
          this.#estimate = undefined;
          this.#error = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        this.#loading = false;
        this.#host.requestUpdate();
      });
  }

  /** The guarded estimate, once known. */
  get view(): ChainFeeView | undefined {
    if (this.#estimate === undefined) return undefined;
    const { min, max } = this.#band();
    const guarded = this.#estimate < min ? min : this.#estimate > max ? max : this.#estimate;
    return { estimate: this.#estimate, guarded, min, max };
  }

  /** One line for a trade paying `tradeRate` sat/vB (nothing without a fee-rate source). */
  line(tradeRate: string): TemplateResult | typeof nothing {
    if (!this.#asked) return nothing;
    const v = this.view;
    if (!v) {
      return this.#error ? html`<p part="review-chain-fee" class="muted">${msg(str`Chain fee estimate unavailable: ${this.#error}`)}</p>` : nothing;
    }
    const clamped = v.guarded !== v.estimate ? msg(str` The chain says ${v.estimate}; your band is ${v.min}–${v.max} sat/vB.`) : '';
    return html`<p part="review-chain-fee">${msg(str`Chain fee estimate now: ${v.guarded} sat/vB (this trade: ${tradeRate} sat/vB).`)}${clamped}</p>`;
  }
}
