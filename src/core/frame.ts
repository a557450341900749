/**
 * Wire format of one message on a peer link: `<channel>\n<json payload>` as a text frame.
 * The channel name comes first so a receiver can look up the channel and check the payload
 * size against that channel's limit before parsing anything.
 */

/** Hard cap on one frame, the SCTP maxMessageSize Chromium negotiates (256 KiB). */
export const MAX_FRAME_BYTES = 262_144;

const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

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
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface SplitFrame {
  channel: string;
  payload: string;
}

export function encodeFrame(channel: string, payloadJson: string): string {
  return `${channel}\n${payloadJson}`;
}

/** Split a frame into channel and payload text, or say why it cannot be one. */
export function splitFrame(data: unknown): SplitFrame | RejectReason {
  if (typeof data !== 'string') return 'not-text';
  if (data.length > MAX_FRAME_BYTES) return 'too-large';
  const nl = data.indexOf('\n');
  if (nl < 1 || nl > 32) return 'malformed-frame';
  const channel = data.slice(0, nl);
  if (!CHANNEL_NAME.test(channel)) return 'malformed-frame';
  return { channel, payload: data.slice(nl + 1) };
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
