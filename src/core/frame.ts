/**
 * Wire format of one message on a peer link, a text frame: `<channel>[ <seq>]\n<json payload>`.
 * The header comes first so a receiver can look up the channel and check the payload size
 * against that channel's limit before parsing anything. `seq` is present on reliable channels
 * (numbered from 1 per channel per link session, acknowledged by the receiver). Control frames
 * of the service itself use names starting with `_` (`_hello`, `_ack`, `_bye`), which channels
 * can never take.
 */

/** Hard cap on one frame, the SCTP maxMessageSize Chromium negotiates (256 KiB). */
export const MAX_FRAME_BYTES = 262_144;

const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const HEADER = /^(_?[a-z][a-z0-9-]{0,31})(?: ([1-9][0-9]{0,14}))?$/;

export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

export const REJECT_REASONS = [
  'not-text',
  'malformed-frame',
  'unknown-channel',
  'too-large',
  'bad-json',
  'invalid',
  'rate-limited',
  'no-handshake',
  'out-of-order',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface SplitFrame {
  /** A channel name, or a control name starting with `_`. */
  channel: string;
  /** Sequence number on reliable channels. */
  seq?: number;
  payload: string;
}

export function encodeFrame(channel: string, payloadJson: string, seq?: number): string {
  return seq === undefined ? `${channel}\n${payloadJson}` : `${channel} ${seq}\n${payloadJson}`;
}

/** Split a frame into channel and payload text, or say why it cannot be one. */
export function splitFrame(data: unknown): SplitFrame | RejectReason {
  if (typeof data !== 'string') return 'not-text';
  if (data.length > MAX_FRAME_BYTES) return 'too-large';
  const nl = data.indexOf('\n');
  if (nl < 1 || nl > 49) return 'malformed-frame';
  const header = HEADER.exec(data.slice(0, nl));
  if (!header) return 'malformed-frame';
  const payload = data.slice(nl + 1);
  return header[2] === undefined ? { channel: header[1], payload } : { channel: header[1], seq: Number(header[2]), payload };
}

const encoder = new TextEncoder();

/** UTF-8 byte length of a string, without allocating when the string is plain ASCII-sized. */
export function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 UTF-8 bytes and at least 1.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? text.length : encoder.encode(text).length;
}
