/** The chat engine's public types (errors, events, group summaries, options) and small helpers. */
import type { ConnectionApi } from '../../core/connection-api.js';
import type { Identity } from '../../core/identity.js';
import type { MemberInfo, MemberStatus } from './chat.model.js';
import { MAX_TEXT, TextSchema, type ChatMessage, type ChatVerifier } from './chat.protocol.js';
import type { ChatSource } from './chat.state.js';
import type { ChatPersistence } from './chat.store.js';
import * as v from 'valibot';

export const CHAT_ERROR_CODES = ['too-long', 'empty', 'invalid', 'not-member', 'unknown-group', 'rate-limited', 'not-ready', 'no-peer', 'full'] as const;
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number];

/** A chat action that could not be done, in plain words (`code` for programs). */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type ChatEngineEventType = 'change' | 'message' | 'membership';

export class ChatEngineEvent extends Event {
  constructor(
    type: ChatEngineEventType,
    readonly group?: string,
    readonly message?: ChatMessage,
    readonly source?: ChatSource,
    readonly status?: MemberStatus,
  ) {
    super(type);
  }
}

/** One group as a list shows it. */
export interface ChatGroupSummary {
  readonly id: string;
  readonly kind: 'group' | 'dm';
  /** The group's name (empty for a direct conversation: see `partner`). */
  readonly name: string;
  /** My status. */
  readonly status: MemberStatus;
  readonly unread: number;
  readonly last: ChatMessage | undefined;
  readonly members: readonly MemberInfo[];
  /** A direct conversation: the other party's key. */
  readonly partner?: string;
  /** Who invited me (while I am invited). */
  readonly invitedBy?: string;
  /** Changes whenever the group does. */
  readonly version: number;
}

export interface ChatEngineOptions {
  /** Where items are kept (default IndexedDB `darkswap-chat`). */
  store?: ChatPersistence;
  /** Wall clock (ms). */
  now?: () => number;
  /** Messages kept per group (default MAX_MESSAGES_PER_GROUP). */
  cap?: number;
  /** Signature check (default the identity module's). */
  verify?: ChatVerifier;
  /** How often changed group hashes are offered again and pending items expire (default SUM_INTERVAL_MS). */
  syncIntervalMs?: number;
  /** How long an item whose author's membership is not known waits before it is refused (default PENDING_MS). */
  pendingMs?: number;
}

/** Why a text cannot be sent (too long, empty, control characters), or undefined when it can. */
export function checkText(text: string): ChatError | undefined {
  if (text.length > MAX_TEXT) {
    return new ChatError(
      'too-long',
      `Messages are at most ${MAX_TEXT.toLocaleString('en-US')} characters; this one has ${text.length.toLocaleString('en-US')}.`,
    );
  }
  if (!text.trim()) return new ChatError('empty', 'Write something first.');
  if (!v.is(TextSchema, text)) return new ChatError('invalid', 'Messages cannot contain control characters.');
  return undefined;
}

/** The service's identity once it has one (it opens); `cancel` gives up waiting (the engine stops first). */
export function identityOf(service: ConnectionApi): { identity: Promise<Identity>; cancel: () => void } {
  let cancel = () => undefined as void;
  const identity = new Promise<Identity>((resolve, reject) => {
    const check = () => {
      if (service.identity) {
        stop();
        resolve(service.identity);
      } else if (service.status === 'closed') {
        stop();
        reject(new ChatError('not-ready', 'The connection closed before my identity was known.'));
      }
    };
    const stop = () => service.removeEventListener('status', check);
    cancel = () => {
      stop();
      reject(new ChatError('not-ready', 'The chat stopped.'));
    };
    service.addEventListener('status', check);
    check();
  });
  return { identity, cancel };
}
