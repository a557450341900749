/** What `<darkswap-av-call>` shows, in words: pure helpers over the call model and its quality samples. */
import type { LegQuality } from '../../features/call/call.engine.js';
import type { HistoryEntry } from '../../features/call/call.history.js';
import type { CallOutcome, EndReason, Leg } from '../../features/call/call.model.js';

export const LEG_WORDS: Readonly<Record<Leg['state'], string>> = Object.freeze({
  inviting: 'Calling…',
  ringing: 'Ringing…',
  connecting: 'Connecting…',
  active: 'In call',
  ended: 'Left',
});

export const END_WORDS: Readonly<Record<EndReason, string>> = Object.freeze({
  hangup: 'Call ended.',
  declined: 'Declined.',
  busy: 'Busy: in another call.',
  'no-answer': 'No answer.',
  cancelled: 'Cancelled.',
  missed: 'Missed call.',
  unreachable: 'Could not reach the peer’s call widget.',
  lost: 'Call lost: the peer stopped responding.',
  failed: 'The call could not be set up.',
  security: 'Call ended: the media connection was not the authenticated one.',
});

export const OUTCOME_WORDS: Readonly<Record<CallOutcome, string>> = Object.freeze({
  completed: 'Completed',
  declined: 'Declined',
  busy: 'Busy',
  'no-answer': 'No answer',
  cancelled: 'Cancelled',
  missed: 'Missed',
  unreachable: 'Unreachable',
  lost: 'Lost',
  failed: 'Failed',
  security: 'Security stop',
});

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Date and time of a history entry, in the page's language. */
export function formatWhen(at: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(at);
}

const kbps = (bps: number) => `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(bps / 1000)} kbit/s`;

/** The overlay's lines: resolution and frame rate, bitrate each way, loss, RTT, verdict, my video step. */
export function qualityLines(q: LegQuality | undefined): [string, string][] {
  if (!q) return [['Quality', 'measuring…']];
  const lines: [string, string][] = [];
  lines.push(['Video', q.width && q.height ? `${q.width}×${q.height}${q.fps !== undefined ? ` @ ${Math.round(q.fps)} fps` : ''}` : 'none']);
  lines.push(['In / out', `${kbps(q.inBps)} / ${kbps(q.outBps)}`]);
  lines.push(['Loss', q.loss === undefined ? '—' : `${(q.loss * 100).toFixed(1)} %`]);
  lines.push(['RTT', q.rttMs === undefined ? '—' : `${Math.round(q.rttMs)} ms`]);
  if (q.verdict) lines.push(['Link', q.verdict]);
  if (q.step) lines.push(['Sending', q.step]);
  return lines;
}

/** One line of history: who, when, how long, how it ended. */
export function historyLine(e: HistoryEntry): { peers: string; outcome: string; duration: string; direction: string } {
  return {
    peers: e.peers.join(', ') || '—',
    outcome: OUTCOME_WORDS[e.outcome],
    duration: e.durationMs > 0 ? formatDuration(e.durationMs) : '',
    direction: e.direction === 'incoming' ? 'Incoming' : 'Outgoing',
  };
}

/** What a participant sends, in words (for the tile and screen readers). */
export function remoteFlagsText(leg: Leg): string {
  const parts: string[] = [];
  if (leg.state === 'active' || leg.state === 'connecting') {
    if (!leg.remote.audio) parts.push('muted');
    if (leg.remote.screen) parts.push('sharing screen');
    else if (!leg.remote.video) parts.push('camera off');
  }
  return parts.join(' · ');
}
