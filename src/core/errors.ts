/** Every error the connection service reports carries one of these codes. */
export const CONNECTION_ERROR_CODES = [
  'invalid-config',
  'signaling-unreachable',
  'peer-id-taken',
  'invalid-peer-id',
  'unknown-peer',
  'link-closed',
  'not-open',
  'connect-timeout',
  'message-invalid',
  'message-too-large',
  'channel-invalid',
  'destroyed',
  'webrtc',
  'send-buffer-full',
  'identity-mismatch',
  'peer-blocked',
  'identity-changed',
] as const;
export type ConnectionErrorCode = (typeof CONNECTION_ERROR_CODES)[number];

/** An error with a stable `code` and a message meant for people. */
export class DarkswapConnectionError extends Error {
  override readonly name = 'DarkswapConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isConnectionError(e: unknown): e is DarkswapConnectionError {
  return e instanceof Error && e.name === 'DarkswapConnectionError' && 'code' in e;
}
