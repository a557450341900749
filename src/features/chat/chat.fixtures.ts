// Test fixtures: unsigned-but-well-formed items for the pure model and sync tests (the signature field is a
// placeholder: those layers never check it), and real signed ones for protocol tests.
import { decodeItem, groupIdFor, type ChatMessage, type ChatOp, type ItemWire, type UnsignedItem } from './chat.protocol.js';

/** A deterministic fake public key (64 hex). */
export const key = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);
export const NONCE = 'ab'.repeat(16);
const SIG = '00'.repeat(64);

export const groupOf = (creator: string, nonce = NONCE): string => groupIdFor(creator, nonce);

function item<T>(fields: UnsignedItem): T {
  return decodeItem({ ...fields, s: SIG } as ItemWire) as T;
}

export function create(creator: string, t: number, name = 'Group', nonce = NONCE): ChatOp {
  return item({ v: 1, k: 'op', op: 'create', g: groupOf(creator, nonce), a: creator, t, c: 0, nonce, name });
}

export function invite(g: string, by: string, who: string, t: number): ChatOp {
  return item({ v: 1, k: 'op', op: 'invite', g, a: by, t, c: 0, who });
}

export function join(g: string, who: string, t: number): ChatOp {
  return item({ v: 1, k: 'op', op: 'join', g, a: who, t, c: 0 });
}

export function leave(g: string, who: string, t: number): ChatOp {
  return item({ v: 1, k: 'op', op: 'leave', g, a: who, t, c: 0 });
}

export function msg(g: string, by: string, t: number, text = `at ${t}`, c = 0): ChatMessage {
  return item({ v: 1, k: 'msg', g, a: by, t, c, text });
}

export function dm(from: string, to: string, t: number, text = `dm ${t}`): ChatMessage {
  return item({ v: 1, k: 'dm', to, a: from, t, c: 0, text });
}
