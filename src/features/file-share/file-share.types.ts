/** Reliable message channel carrying the file-share control messages (offers, requests, pause, …). */
export const FILE_SHARE_CHANNEL = 'file-share';
/** Bulk channel carrying file chunks (binary frames on the link's separate data channel). */
export const FILE_CHUNK_CHANNEL = 'file-chunks';

/** Largest chunk: 256 KiB (Chromium's SCTP maxMessageSize, less the frame header, caps it a little lower). */
export const MAX_CHUNK_BYTES = 256 * 1024;
/** Preferred smallest chunk where the link allows it. */
export const PREFERRED_MIN_CHUNK_BYTES = 64 * 1024;
/** Smallest chunk the protocol accepts at all. */
export const MIN_CHUNK_BYTES = 16 * 1024;
/** Chunk sizes are multiples of this (aligned disk writes). */
export const CHUNK_ALIGN = 4096;
/** Hard caps of the wire format, whatever a receiver configures. */
export const MAX_FILES_PER_OFFER = 200;
export const MAX_NAME_LENGTH = 255;
export const MAX_TYPE_LENGTH = 127;
/** 2^50 bytes (1 PiB): far above any real file, small enough that chunk arithmetic stays exact. */
export const MAX_FILE_BYTES_WIRE = 2 ** 50;
/** Ranges in one request message. */
export const MAX_RANGES_PER_MESSAGE = 64;
/** Largest control message (UTF-8 bytes of its JSON): an offer of 200 files with 255-character non-ASCII names fits. */
export const FILE_SHARE_MAX_BYTES = 240 * 1024;
/** Largest chunk header (JSON). */
export const CHUNK_HEADER_MAX_BYTES = 256;

/** Default receiver limits: at most this many files and bytes per offer (configurable). */
export const DEFAULT_MAX_FILES = 100;
export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
/** Above this size a receiver without OPFS (memory only) shows a warning before accepting. */
export const MEMORY_WARNING_BYTES = 256 * 1024 ** 2;
/** Outstanding (requested, not yet written) chunks per transfer: the receiver's ack window. */
export const DEFAULT_WINDOW_CHUNKS = 24;
/** A chunk that arrives corrupted more often than this fails the transfer. */
export const MAX_CHUNK_RETRIES = 5;

export const ROLES = ['send', 'receive'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Lifecycle of a transfer. `running` is refined for display by pause flags and the link
 * (`paused`, `waiting`); see `displayStatus`.
 */
export const TRANSFER_PHASES = ['hashing', 'offered', 'incoming', 'running', 'complete', 'rejected', 'cancelled', 'failed', 'unavailable'] as const;
export type TransferPhase = (typeof TRANSFER_PHASES)[number];

/** Phases a transfer never leaves (except by being removed). */
export const FINAL_PHASES: readonly TransferPhase[] = ['complete', 'rejected', 'cancelled', 'failed'];

export const DISPLAY_STATUSES = [
  'hashing',
  'offered',
  'incoming',
  'sending',
  'receiving',
  'paused',
  'waiting',
  'complete',
  'rejected',
  'cancelled',
  'failed',
  'unavailable',
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

export const FILE_STATUSES = ['pending', 'active', 'complete', 'failed'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** Why an offer was refused or a transfer stopped. */
export const REASON_CODES = [
  'declined',
  'too-many-files',
  'too-large',
  'bad-offer',
  'duplicate',
  'unknown-transfer',
  'unavailable',
  'bad-request',
  'read-failed',
  'storage-failed',
  'integrity',
  'corrupt-chunks',
  'cancelled',
  'busy',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const STORAGE_KINDS = ['opfs', 'memory'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];
