import type { DarkswapConnectionError } from './errors.js';
import type { RejectReason } from './frame.js';

export const SERVICE_STATUSES = ['idle', 'connecting', 'open', 'reconnecting', 'closed', 'error'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export const LINK_STATUSES = ['connecting', 'open', 'closed'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export class ServiceStatusEvent extends Event {
  constructor(readonly status: ServiceStatus, readonly previous: ServiceStatus) {
    super('status');
  }
}

export class PeerEvent extends Event {
  constructor(
    type: 'peer-connecting' | 'peer-connected' | 'peer-disconnected',
    readonly peer: string,
    readonly reason?: string,
  ) {
    super(type);
  }
}

export class ServiceErrorEvent extends Event {
  constructor(readonly error: DarkswapConnectionError, readonly peer?: string) {
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

export interface ConnectionServiceEventMap {
  status: ServiceStatusEvent;
  'peer-connecting': PeerEvent;
  'peer-connected': PeerEvent;
  'peer-disconnected': PeerEvent;
  error: ServiceErrorEvent;
  'message-rejected': MessageRejectedEvent;
}
