/** Public events of `<darkswap-network-status>`: bubble, cross shadow roots, typed detail. */
import type { Verdict } from '../../core/link-stats.js';
import { DarkswapEvent } from '../../internal/events.js';

export interface QualityChangeDetail {
  peer: string;
  /** The previous verdict (undefined for the first one). */
  from: Verdict | undefined;
  to: Verdict;
}

/** A link's quality verdict changed (good / fair / poor). */
export class DarkswapQualityChangeEvent extends DarkswapEvent<QualityChangeDetail> {
  static readonly type = 'darkswap-quality-change';
  constructor(detail: QualityChangeDetail) {
    super(DarkswapQualityChangeEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-quality-change': DarkswapQualityChangeEvent;
  }
}
