/** The public events of `<darkswap-trade>`: one typed class each; all bubble and cross shadow roots. */
import { DarkswapEvent } from '../../internal/events.js';
import type { TradeAcceptedDetail, TradeCompletedDetail, TradeFailedDetail, TradeProposedDetail, TradeSignedDetail } from '../../features/trade/trade.types.js';

/** A trade was proposed: by me (`direction: 'out'`) or to me (`'in'`). */
export class DarkswapTradeProposedEvent extends DarkswapEvent<TradeProposedDetail> {
  static readonly type = 'darkswap-trade-proposed';
  constructor(detail: TradeProposedDetail) {
    super(DarkswapTradeProposedEvent.type, detail);
  }
}

/** A proposal was accepted (by me or by the peer); both sides now build and verify the transaction. */
export class DarkswapTradeAcceptedEvent extends DarkswapEvent<TradeAcceptedDetail> {
  static readonly type = 'darkswap-trade-accepted';
  constructor(detail: TradeAcceptedDetail) {
    super(DarkswapTradeAcceptedEvent.type, detail);
  }
}

/** My wallet signed my inputs of the verified transaction. */
export class DarkswapTradeSignedEvent extends DarkswapEvent<TradeSignedDetail> {
  static readonly type = 'darkswap-trade-signed';
  constructor(detail: TradeSignedDetail) {
    super(DarkswapTradeSignedEvent.type, detail);
  }
}

/** The swap transaction was broadcast (buyer) or received and checked (seller). */
export class DarkswapTradeCompletedEvent extends DarkswapEvent<TradeCompletedDetail> {
  static readonly type = 'darkswap-trade-completed';
  constructor(detail: TradeCompletedDetail) {
    super(DarkswapTradeCompletedEvent.type, detail);
  }
}

/** The trade ended without a transaction; `failure` says why. */
export class DarkswapTradeFailedEvent extends DarkswapEvent<TradeFailedDetail> {
  static readonly type = 'darkswap-trade-failed';
  constructor(detail: TradeFailedDetail) {
    super(DarkswapTradeFailedEvent.type, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'darkswap-trade-proposed': DarkswapTradeProposedEvent;
    'darkswap-trade-accepted': DarkswapTradeAcceptedEvent;
    'darkswap-trade-signed': DarkswapTradeSignedEvent;
    'darkswap-trade-completed': DarkswapTradeCompletedEvent;
    'darkswap-trade-failed': DarkswapTradeFailedEvent;
  }
}
