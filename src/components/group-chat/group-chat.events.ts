/** Public events of `<darkswap-group-chat>`: bubble, cross shadow roots, typed detail. */
import { DarkswapEvent } from '../../internal/events.js';

export interface ChatMessageDetail {
  /** The group (or direct conversation) id. */
  group: string;
  /** The message id (SHA-256 of its signed content). */
  id: string;
  /** The author's public key (64 hex): who signed it, whatever name it claims. */
  author: string;
  text: string;
  /** Written here (`local`), arrived by gossip (`live`) or by a history sync (`sync`). */
  source: 'local' | 'live' | 'sync';
  /** Epoch ms of the author's clock when it was written. */
  at: number;
}

export interface ChatGroupDetail {
  group: string;
  /** The group's name (empty for a direct conversation). */
  name: string;
}

/** A message entered a group shown by this widget (mine, or someone else's after its signature was checked). */
export class DarkswapChatMessageEvent extends DarkswapEvent<ChatMessageDetail> {
  static readonly type = 'darkswap-chat-message';
  constructor(detail: ChatMessageDetail) {
    super(DarkswapChatMessageEvent.type, detail);
  }
}

/** I became a member of a group (created it, or joined it here or in another tab with my identity). */
export class DarkswapChatGroupJoinedEvent extends DarkswapEvent<ChatGroupDetail> {
  static readonly type = 'darkswap-chat-group-joined';
  constructor(detail: ChatGroupDetail) {
    super(DarkswapChatGroupJoinedEvent.type, detail);
  }
}

/** I left a group (or declined its invitation). */
export class DarkswapChatGroupLeftEvent extends DarkswapEvent<ChatGroupDetail> {
  static readonly type = 'darkswap-chat-group-left';
  constructor(detail: ChatGroupDetail) {
    super(DarkswapChatGroupLeftEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-chat-message': DarkswapChatMessageEvent;
    'darkswap-chat-group-joined': DarkswapChatGroupJoinedEvent;
    'darkswap-chat-group-left': DarkswapChatGroupLeftEvent;
  }
}
