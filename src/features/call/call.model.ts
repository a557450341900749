/**
 * One call as a pure state machine: the call and one leg per other participant. Events in, a new state out; no
 * timers, no network (the engine, call.engine.ts, owns those and feeds the events). Immutable values, so a view
 * can compare by reference.
 *
 * Leg states: `inviting` (invite sent) → `ringing` (the peer's page rings) → `connecting` (accepted, media being
 * set up) → `active` (media flowing) → `ended` (with a reason). An incoming call starts `ringing` with one leg to
 * the caller in `connecting` once I accept.
 */

export const END_REASONS = [
  /** Hung up (by me or by them). */
  'hangup',
  /** The callee declined. */
  'declined',
  /** The callee is in another call. */
  'busy',
  /** Nobody answered within the ring time. */
  'no-answer',
  /** The caller gave up before an answer. */
  'cancelled',
  /** An incoming call I did not answer. */
  'missed',
  /** The peer's page did not respond to the call (no call widget there, or gone). */
  'unreachable',
  /** The peer vanished (not heard for a few seconds, or its link dropped). */
  'lost',
  /** Media could not be set up, or the camera/microphone could not be used. */
  'failed',
  /** The media's DTLS fingerprint was not the one the link authenticated. */
  'security',
] as const;
export type EndReason = (typeof END_REASONS)[number];

export type LegState = 'inviting' | 'ringing' | 'connecting' | 'active' | 'ended';
export type CallPhase = 'calling' | 'ringing' | 'active' | 'ended';

/** What a participant sends: microphone on, camera on, sharing the screen. */
export interface MediaFlags {
  readonly audio: boolean;
  readonly video: boolean;
  readonly screen: boolean;
}

export interface Leg {
  readonly peer: string;
  readonly state: LegState;
  readonly reason?: EndReason;
  /** When the leg entered its state (epoch ms). */
  readonly since: number;
  /** What the peer says it sends. */
  readonly remote: MediaFlags;
}

export interface Call {
  readonly id: string;
  readonly direction: 'outgoing' | 'incoming';
  /** Who invited me (incoming calls). */
  readonly from?: string;
  readonly phase: CallPhase;
  readonly video: boolean;
  readonly legs: readonly Leg[];
  readonly createdAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
  readonly reason?: EndReason;
}

export type CallEvent =
  | { type: 'invited'; peer: string }
  | { type: 'ringing'; peer: string }
  | { type: 'accepted'; peer: string }
  | { type: 'joined'; peer: string }
  | { type: 'media-ready'; peer: string }
  | { type: 'remote-state'; peer: string; flags: MediaFlags }
  | { type: 'leg-ended'; peer: string; reason: EndReason }
  | { type: 'answer' }
  | { type: 'end'; reason: EndReason };

const NO_MEDIA: MediaFlags = Object.freeze({ audio: false, video: false, screen: false });

export function outgoingCall(id: string, video: boolean, now: number): Call {
  return { id, direction: 'outgoing', phase: 'calling', video, legs: [], createdAt: now };
}

export function incomingCall(id: string, from: string, video: boolean, members: readonly string[], now: number): Call {
  const legs = [from, ...members.filter((m) => m !== from)].map((peer): Leg => ({ peer, state: 'ringing', since: now, remote: NO_MEDIA }));
  return { id, direction: 'incoming', from, phase: 'ringing', video, legs, createdAt: now };
}

export const isLive = (leg: Leg): boolean => leg.state !== 'ended';
export const liveLegs = (call: Call): Leg[] => call.legs.filter(isLive);
export const legOf = (call: Call, peer: string): Leg | undefined => call.legs.find((l) => l.peer === peer);
/** Everyone in the call with me now (answered legs). */
export const members = (call: Call): string[] => call.legs.filter((l) => l.state === 'connecting' || l.state === 'active').map((l) => l.peer);

function setLeg(call: Call, peer: string, change: (leg: Leg | undefined) => Leg | undefined): Call {
  const before = legOf(call, peer);
  const after = change(before);
  if (!after || after === before) return call;
  const legs = before ? call.legs.map((l) => (l === before ? after : l)) : [...call.legs, after];
  return { ...call, legs };
}

/** The call ends once no leg is live (after the first answer, or when every invite failed). */
function settle(call: Call, now: number, reason: EndReason): Call {
  if (call.phase === 'ended' || call.legs.length === 0 || liveLegs(call).length > 0) return call;
  return {
    ...call,
    phase: 'ended',
    endedAt: now,
    reason: call.answeredAt !== undefined && reason !== 'lost' && reason !== 'failed' && reason !== 'security' ? 'hangup' : reason,
  };
}

/** Applies one event. Events that make no sense in the current state leave it unchanged (same object). */
export function reduce(call: Call, event: CallEvent, now: number): Call {
  if (call.phase === 'ended') return call;
  switch (event.type) {
    case 'invited':
      return setLeg(call, event.peer, (leg) => (leg && isLive(leg) ? leg : { peer: event.peer, state: 'inviting', since: now, remote: NO_MEDIA }));
    case 'ringing':
      return setLeg(call, event.peer, (leg) => (leg?.state === 'inviting' ? { ...leg, state: 'ringing', since: now } : leg));
    case 'accepted':
    case 'joined': {
      const next = setLeg(call, event.peer, (leg) => {
        if (leg && (leg.state === 'connecting' || leg.state === 'active')) return leg;
        if (event.type === 'accepted' && !(leg && (leg.state === 'inviting' || leg.state === 'ringing'))) return leg;
        if (leg?.state === 'ended') return leg;
        return { peer: event.peer, state: 'connecting', since: now, remote: leg?.remote ?? NO_MEDIA };
      });
      if (next === call) return call;
      return next.phase === 'calling' ? { ...next, phase: 'active', answeredAt: now } : next;
    }
    case 'answer': {
      if (call.phase !== 'ringing' || call.direction !== 'incoming') return call;
      const legs = call.legs.map((l): Leg => (l.peer === call.from ? { ...l, state: 'connecting', since: now } : l));
      return { ...call, phase: 'active', answeredAt: now, legs };
    }
    case 'media-ready':
      return setLeg(call, event.peer, (leg) => (leg?.state === 'connecting' ? { ...leg, state: 'active', since: now } : leg));
    case 'remote-state':
      return setLeg(call, event.peer, (leg) => (leg && isLive(leg) ? { ...leg, remote: event.flags } : leg));
    case 'leg-ended': {
      const next = setLeg(call, event.peer, (leg) => (leg && isLive(leg) ? { ...leg, state: 'ended', reason: event.reason, since: now } : leg));
      // An incoming call whose caller gave up before I answered.
      if (next !== call && call.phase === 'ringing' && event.peer === call.from) {
        const reason: EndReason = event.reason === 'cancelled' ? 'missed' : event.reason;
        return { ...next, phase: 'ended', endedAt: now, reason, legs: next.legs.map((l) => (isLive(l) ? { ...l, state: 'ended', reason, since: now } : l)) };
      }
      return settle(next, now, event.reason);
    }
    case 'end': {
      const legs = call.legs.map((l): Leg => (isLive(l) ? { ...l, state: 'ended', reason: event.reason, since: now } : l));
      return { ...call, legs, phase: 'ended', endedAt: now, reason: event.reason };
    }
  }
}

/** How a finished call is remembered. */
export type CallOutcome = 'completed' | Exclude<EndReason, 'hangup'>;

export function outcomeOf(call: Call): CallOutcome {
  const reason = call.reason ?? 'hangup';
  if (call.answeredAt !== undefined && (reason === 'hangup' || reason === 'cancelled' || reason === 'declined' || reason === 'busy' || reason === 'no-answer'))
    return 'completed';
  return reason === 'hangup' ? (call.direction === 'incoming' ? 'missed' : 'cancelled') : reason;
}

/** Milliseconds from the first answer to the end (0 for an unanswered call). */
export function durationOf(call: Call, now: number): number {
  return call.answeredAt === undefined ? 0 : Math.max(0, (call.endedAt ?? now) - call.answeredAt);
}
