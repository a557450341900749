/** Public events of `<darkswap-av-call>`: bubble, cross shadow roots, typed detail. */
import type { EndReason } from '../../features/call/call.model.js';
import { DarkswapEvent } from '../../internal/events.js';

export interface CallIncomingDetail {
  call: string;
  from: string;
  video: boolean;
}
export interface CallStartedDetail {
  call: string;
  peers: string[];
}
export interface CallEndedDetail {
  call: string;
  reason: EndReason;
  /** From the first answer to the end (0 when nobody answered). */
  durationMs: number;
}

/** A call rings here (before it is answered). */
export class DarkswapCallIncomingEvent extends DarkswapEvent<CallIncomingDetail> {
  static readonly type = 'darkswap-call-incoming';
  constructor(detail: CallIncomingDetail) {
    super(DarkswapCallIncomingEvent.type, detail);
  }
}

/** A call was answered (mine by them, or theirs by me). */
export class DarkswapCallStartedEvent extends DarkswapEvent<CallStartedDetail> {
  static readonly type = 'darkswap-call-started';
  constructor(detail: CallStartedDetail) {
    super(DarkswapCallStartedEvent.type, detail);
  }
}

/** A call ended, with why. */
export class DarkswapCallEndedEvent extends DarkswapEvent<CallEndedDetail> {
  static readonly type = 'darkswap-call-ended';
  constructor(detail: CallEndedDetail) {
    super(DarkswapCallEndedEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-call-incoming': DarkswapCallIncomingEvent;
    'darkswap-call-started': DarkswapCallStartedEvent;
    'darkswap-call-ended': DarkswapCallEndedEvent;
  }
}
