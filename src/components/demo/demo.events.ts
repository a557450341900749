/** Public events of `<darkswap-demo>`: bubble, cross shadow roots, typed detail. */
import { DarkswapEvent } from '../../internal/events.js';

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
