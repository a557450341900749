/** Public `darkswap-*` events: bubble, cross shadow roots, typed detail. */
export class DarkswapEvent<D> extends CustomEvent<D> {
  constructor(type: string, detail: D, init: { cancelable?: boolean } = {}) {
    super(type, { detail, bubbles: true, composed: true, cancelable: init.cancelable ?? false });
  }
}

export interface ConnectedDetail {
  peer: string;
}

export interface MessageDetail {
  peer: string;
  text: string;
  direction: 'in' | 'out';
}

/** A link to a peer opened (fired by `<darkswap-demo>`). */
export class DarkswapConnectedEvent extends DarkswapEvent<ConnectedDetail> {
  static readonly type = 'darkswap-connected';
  constructor(detail: ConnectedDetail) {
    super(DarkswapConnectedEvent.type, detail);
  }
}

/** A text message was received or sent on the `demo` channel. */
export class DarkswapMessageEvent extends DarkswapEvent<MessageDetail> {
  static readonly type = 'darkswap-message';
  constructor(detail: MessageDetail) {
    super(DarkswapMessageEvent.type, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'darkswap-connected': DarkswapConnectedEvent;
    'darkswap-message': DarkswapMessageEvent;
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
