import { msg, str } from '@lit/localize';
import * as v from 'valibot';
import { formatNumber } from '../../internal/format.js';
import { isValidPeerId } from '../../core/config.js';
import { LOG_LIMIT, MAX_TEXT_LENGTH, type LogEntry, type PeerEntry, type PeerState } from './demo.types.js';

/** The only message shape accepted on the `demo` channel. */
export const DemoMessageSchema = v.strictObject({
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TEXT_LENGTH)),
});
export type DemoMessage = v.InferOutput<typeof DemoMessageSchema>;

/** Upper bound of an encoded demo message (2000 chars × 3 UTF-8 bytes + JSON framing). */
export const DEMO_MAX_BYTES = MAX_TEXT_LENGTH * 3 + 32;

/** Append to the log, keeping at most `limit` entries (newest last). */
export function appendLog(log: readonly LogEntry[], entry: LogEntry, limit = LOG_LIMIT): LogEntry[] {
  const next = [...log, entry];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/** Say what is wrong with a peer id typed by the user, or `undefined` when it is fine. */
export function peerIdProblem(input: string, myId: string | undefined): string | undefined {
  const id = input.trim();
  if (id === '') return msg('Enter the peer id to connect to.');
  if (!isValidPeerId(id)) return msg('A peer id uses letters, digits and single - or _ between them (at most 64).');
  if (id === myId) return msg('That is your own peer id; enter the other peer’s id.');
  return undefined;
}

/** Say what is wrong with a message typed by the user, or `undefined` when it can be sent. */
export function textProblem(text: string, openPeers: number): string | undefined {
  if (text.trim() === '') return msg('Type a message first.');
  if (text.length > MAX_TEXT_LENGTH)
    return msg(str`Messages are limited to ${formatNumber(MAX_TEXT_LENGTH)} characters; this one has ${formatNumber(text.length)}. Nothing was sent.`);
  if (openPeers === 0) return msg('Connect to a peer before sending.');
  return undefined;
}

/** Record a peer's new link state. */
export function setPeerState(peers: ReadonlyMap<string, PeerEntry>, peer: string, state: PeerState, reason?: string, sas?: string): Map<string, PeerEntry> {
  const next = new Map(peers);
  next.set(peer, { state, reason, sas });
  return next;
}

function stateWord(state: PeerState): string {
  switch (state) {
    case 'connecting':
      return msg('Connecting…');
    case 'open':
      return msg('Connected');
    case 'reconnecting':
      return msg('Reconnecting…');
    case 'closed':
      return msg('Disconnected');
    case 'failed':
      return msg('Failed');
  }
}

export function peerStateLabel(entry: PeerEntry): string {
  return entry.reason ? `${stateWord(entry.state)}: ${entry.reason}` : stateWord(entry.state);
}
