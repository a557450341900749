/** The channel `<darkswap-demo>` talks on. */
export const DEMO_CHANNEL = 'demo';
/** Longest text message, in characters. */
export const MAX_TEXT_LENGTH = 2000;
/** How many messages the log keeps (oldest dropped first). */
export const LOG_LIMIT = 200;

export const PEER_STATES = ['connecting', 'open', 'reconnecting', 'closed', 'failed'] as const;
export type PeerState = (typeof PEER_STATES)[number];

export const DIRECTIONS = ['in', 'out'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface LogEntry {
  /** Monotonic, for keyed rendering. */
  seq: number;
  peer: string;
  text: string;
  direction: Direction;
  at: number;
}

export interface PeerEntry {
  state: PeerState;
  /** Why it failed or closed, in words. */
  reason?: string | undefined;
  /** Short authentication string of an open link, to compare with the other person. */
  sas?: string | undefined;
}
