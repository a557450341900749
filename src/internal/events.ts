/** Public `darkswap-*` events: bubble, cross shadow roots, typed detail. */
export class DarkswapEvent<D> extends CustomEvent<D> {
  constructor(type: string, detail: D, init: { cancelable?: boolean } = {}) {
    super(type, { detail, bubbles: true, composed: true, cancelable: init.cancelable ?? false });
  }
}

export interface StatusDetail {
  status: string;
  error?: { code: string; message: string } | undefined;
}

/** The provider's service changed status (fired by `<darkswap-connection>`). */
export class DarkswapStatusEvent extends DarkswapEvent<StatusDetail> {
  static readonly type = 'darkswap-status';
  constructor(detail: StatusDetail) {
    super(DarkswapStatusEvent.type, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'darkswap-status': DarkswapStatusEvent;
  }
}
