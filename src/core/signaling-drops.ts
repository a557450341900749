/** Why the signaling guard dropped a relayed message (its own module: the guard itself loads with PeerJS). */
export const SIGNAL_DROP_REASONS = ['unknown-type', 'malformed', 'too-large', 'media', 'serialization', 'no-connection', 'rate-limited', 'refused'] as const;
export type SignalDrop = (typeof SIGNAL_DROP_REASONS)[number];
