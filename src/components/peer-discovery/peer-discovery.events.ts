/** Public events of `<darkswap-peer-discovery>`: bubble, cross shadow roots, typed detail. */
import { DarkswapEvent } from '../../internal/events.js';

export interface PeerDiscoveredDetail {
  room: string;
  peer: string;
  key: string;
  name: string;
  features: string[];
}
export interface InviteAcceptedDetail {
  peer: string;
  key: string;
  name: string | undefined;
}

/** A peer was discovered in a joined room (first time this widget sees its key there). */
export class DarkswapPeerDiscoveredEvent extends DarkswapEvent<PeerDiscoveredDetail> {
  static readonly type = 'darkswap-peer-discovered';
  constructor(detail: PeerDiscoveredDetail) {
    super(DarkswapPeerDiscoveredEvent.type, detail);
  }
}

/** An invite link was opened: its peer is pinned, saved as a contact and being dialed. */
export class DarkswapInviteAcceptedEvent extends DarkswapEvent<InviteAcceptedDetail> {
  static readonly type = 'darkswap-invite-accepted';
  constructor(detail: InviteAcceptedDetail) {
    super(DarkswapInviteAcceptedEvent.type, detail);
  }
}

declare global {
  interface HTMLElementEventMap {
    'darkswap-peer-discovered': DarkswapPeerDiscoveredEvent;
    'darkswap-invite-accepted': DarkswapInviteAcceptedEvent;
  }
}
