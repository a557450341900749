/** What `<darkswap-av-call>` shows, in words: pure helpers over the call model and its quality samples. */
import { msg, str } from '@lit/localize';
import { formatDateTime, formatNumber, formatPercent } from '../../internal/format.js';
import type { LegQuality } from '../../features/call/call.engine.js';
import type { HistoryEntry } from '../../features/call/call.history.js';
import type { CallOutcome, EndReason, Leg } from '../../features/call/call.model.js';

/** A participant's state in words, in the active language. */
export function legWord(state: Leg['state']): string {
  switch (state) {
    case 'inviting':
      return msg('Calling…');
    case 'ringing':
      return msg('Ringing…');
    case 'connecting':
      return msg('Connecting…');
    case 'active':
      return msg('In call');
    case 'ended':
      return msg('Left');
  }
}

/** Why a call ended, as a notice, in the active language. */
export function endWords(reason: EndReason): string {
  switch (reason) {
    case 'hangup':
      return msg('Call ended.');
    case 'declined':
      return msg('Declined.');
    case 'busy':
      return msg('Busy: in another call.');
    case 'no-answer':
      return msg('No answer.');
    case 'cancelled':
      return msg('Cancelled.');
    case 'missed':
      return msg('Missed call.');
    case 'unreachable':
      return msg('Could not reach the peer’s call widget.');
    case 'lost':
      return msg('Call lost: the peer stopped responding.');
    case 'failed':
      return msg('The call could not be set up.');
    case 'security':
      return msg('Call ended: the media connection was not the authenticated one.');
  }
}

/** How a call in the history ended, in one or two words, in the active language. */
export function outcomeWord(outcome: CallOutcome): string {
  switch (outcome) {
    case 'completed':
      return msg('Completed');
    case 'declined':
      return msg('Declined');
    case 'busy':
      return msg('Busy');
    case 'no-answer':
      return msg('No answer');
    case 'cancelled':
      return msg('Cancelled');
    case 'missed':
      return msg('Missed');
    case 'unreachable':
      return msg('Unreachable');
    case 'lost':
      return msg('Lost');
    case 'failed':
      return msg('Failed');
    case 'security':
      return msg('Security stop');
  }
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Date and time of a history entry, in the page's language. */
export const formatWhen = (at: number): string => formatDateTime(at);

const kbps = (bps: number) => `${formatNumber(bps / 1000, { maximumFractionDigits: 0 })} kbit/s`;

/** The overlay's lines: resolution and frame rate, bitrate each way, loss, RTT, verdict, my video step. */
export function qualityLines(q: LegQuality | undefined): [string, string][] {
  if (!q) return [[msg('Quality'), msg('measuring…')]];
  const lines: [string, string][] = [];
  const fps = q.fps !== undefined ? msg(str` @ ${formatNumber(Math.round(q.fps))} fps`) : '';
  lines.push([msg('Video'), q.width && q.height ? `${q.width}×${q.height}${fps}` : msg('none')]);
  lines.push([msg('In / out'), `${kbps(q.inBps)} / ${kbps(q.outBps)}`]);
  lines.push([msg('Loss'), formatPercent(q.loss)]);
  lines.push(['RTT', q.rttMs === undefined ? '—' : `${formatNumber(Math.round(q.rttMs))} ms`]);
  if (q.verdict) lines.push([msg('Link'), q.verdict === 'good' ? msg('Good') : q.verdict === 'fair' ? msg('Fair') : msg('Poor')]);
  if (q.step) lines.push([msg('Sending'), q.step]);
  return lines;
}

/** One line of history: who, when, how long, how it ended. */
export function historyLine(e: HistoryEntry): { peers: string; outcome: string; duration: string; direction: string } {
  return {
    peers: e.peers.join(', ') || '—',
    outcome: outcomeWord(e.outcome),
    duration: e.durationMs > 0 ? formatDuration(e.durationMs) : '',
    direction: e.direction === 'incoming' ? msg('Incoming') : msg('Outgoing'),
  };
}

/** What a participant sends, in words (for the tile and screen readers). */
export function remoteFlagsText(leg: Leg): string {
  const parts: string[] = [];
  if (leg.state === 'active' || leg.state === 'connecting') {
    if (!leg.remote.audio) parts.push(msg('muted'));
    if (leg.remote.screen) parts.push(msg('sharing screen'));
    else if (!leg.remote.video) parts.push(msg('camera off'));
  }
  return parts.join(' · ');
}
