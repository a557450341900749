import type { DarkswapConnectionError } from './errors.js';
import type { RejectReason } from './frame.js';

export const SERVICE_STATUSES = ['idle', 'connecting', 'open', 'reconnecting', 'closed', 'error'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const LINK_STATUSES = ['connecting', 'open', 'reconnecting'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export class ServiceStatusEvent extends Event {
  constructor(
    readonly status: ServiceStatus,
    readonly previous: ServiceStatus,
  ) {
    super('status');
  }
}

export class PeerEvent extends Event {
  constructor(
    type: 'peer-connecting' | 'peer-connected' | 'peer-reconnecting' | 'peer-disconnected',
    readonly peer: string,
    readonly reason?: string,
  ) {
    super(type);
  }
}

/** A peer that kept breaking the rules was cut off and is refused until `until` (epoch ms). */
export class PeerBlockedEvent extends Event {
  constructor(
    readonly peer: string,
    /** The reject reason that tipped it over (`rate-limited`, `invalid`, …). */
    readonly reason: RejectReason,
    readonly until: number,
  ) {
    super('peer-blocked');
  }
}

/**
 * Why an incoming connection was refused: the link cap, the handshake cap, the offer rate (per peer or
 * for the page), or an idle link closed to make room (`evicted`, reported for the peer that was closed).
 */
export const REFUSAL_REASONS = ['too-many-links', 'too-many-handshakes', 'rate-limited', 'evicted'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** An incoming connection was refused by admission control and closed at once. */
export class PeerRefusedEvent extends Event {
  constructor(
    readonly peer: string,
    readonly reason: RefusalReason,
  ) {
    super('peer-refused');
  }
}

export class ServiceErrorEvent extends Event {
  constructor(
    readonly error: DarkswapConnectionError,
    readonly peer?: string,
  ) {
    super('error');
  }
}

export class MessageRejectedEvent extends Event {
  constructor(
    readonly peer: string,
    readonly channel: string | undefined,
    readonly reason: RejectReason,
    /** How many messages from this peer have been rejected so far. */
    readonly count: number,
  ) {
    super('message-rejected');
  }
}

/** Why a link moved to another TURN server. */
export type TurnSwitchReason = 'relay-dead' | 'poor';

/** A link was moved to another TURN server by an ICE restart. */
export class TurnSwitchEvent extends Event {
  constructor(
    readonly peer: string,
    /** The server it left (`host:port`), when the relay was mine. */
    readonly from: string | undefined,
    /** The server it moves to (the best one up), when there is one. */
    readonly to: string | undefined,
    readonly reason: TurnSwitchReason,
  ) {
    super('turn-switch');
  }
}

export interface ConnectionServiceEventMap {
  status: ServiceStatusEvent;
  'peer-connecting': PeerEvent;
  'peer-connected': PeerEvent;
  'peer-reconnecting': PeerEvent;
  'peer-disconnected': PeerEvent;
  'peer-blocked': PeerBlockedEvent;
  'peer-refused': PeerRefusedEvent;
  error: ServiceErrorEvent;
  'message-rejected': MessageRejectedEvent;
  'turn-switch': TurnSwitchEvent;
}
