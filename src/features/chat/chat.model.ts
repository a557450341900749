/**
 * Group state from signed items, pure: no IO, no clock, no network (signatures are checked before items get
 * here; chat.engine.ts does that). Deterministic: two peers holding the same items hold the same state.
 *
 * - **Membership** (`membershipOf`) is computed from the set of ops, applied in (t, c, id) order: see the
 *   protocol's header. Each key gets the intervals (in sort-key order) during which it was a member.
 * - **Messages** are kept sorted by (t, c, id) — the same order on every peer — and count only while their
 *   author was a member at their time; an op that changes membership drops messages it makes invalid, so peers
 *   converge whichever order they learnt the ops in. At most `cap` messages are kept (the oldest go).
 * - A direct conversation (`dm`) has exactly two members, always.
 */
import { compareHlc, type Hlc } from './hlc.js';
import { MAX_MEMBERS, MAX_MESSAGES_PER_GROUP, MAX_OPS_PER_GROUP, shortId, type ChatMessage, type ChatOp } from './chat.protocol.js';

export type MemberStatus = 'member' | 'invited' | 'left';

export interface MemberInfo {
  readonly key: string;
  readonly status: MemberStatus;
  /** The op that set this status (its time). */
  readonly since: Hlc;
  /** Who invited this key (its latest invite). */
  readonly invitedBy?: string;
}

export interface Membership {
  /** A create op took effect. */
  readonly valid: boolean;
  readonly name: string;
  readonly creator: string | undefined;
  readonly createdAt: Hlc | undefined;
  /** Every key the ops mention that took effect, with its status now. */
  readonly members: ReadonlyMap<string, MemberInfo>;
  /** Per key, the sort-key intervals [from, to) during which it was a member (`to` undefined: still is). */
  readonly intervals: ReadonlyMap<string, readonly (readonly [string, string | undefined])[]>;
  /** Ids of the ops that took effect. */
  readonly applied: ReadonlySet<string>;
}

export const EMPTY_MEMBERSHIP: Membership = Object.freeze({
  valid: false,
  name: '',
  creator: undefined,
  createdAt: undefined,
  members: new Map<string, MemberInfo>(),
  intervals: new Map<string, readonly (readonly [string, string | undefined])[]>(),
  applied: new Set<string>(),
});

const bySortKey = <T extends { sk: string }>(a: T, b: T) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0);

/** The membership the ops give (see the module comment). Ops of other groups are ignored. */
export function membershipOf(groupId: string, ops: Iterable<ChatOp>): Membership {
  const sorted = [...ops].filter((o) => o.g === groupId).sort(bySortKey);
  const members = new Map<string, MemberInfo>();
  const intervals = new Map<string, [string, string | undefined][]>();
  const applied = new Set<string>();
  let creator: string | undefined;
  let createdAt: Hlc | undefined;
  let name = '';
  const open = (key: string, at: string) => {
    const list = intervals.get(key) ?? [];
    list.push([at, undefined]);
    intervals.set(key, list);
  };
  const close = (key: string, at: string) => {
    const list = intervals.get(key);
    const last = list?.[list.length - 1];
    if (last && last[1] === undefined) last[1] = at;
  };
  const seats = () => [...members.values()].filter((m) => m.status !== 'left').length;
  for (const op of sorted) {
    const at = { t: op.t, c: op.c };
    if (!creator) {
      if (op.op !== 'create') continue;
      creator = op.a;
      createdAt = at;
      name = op.name ?? '';
      members.set(op.a, { key: op.a, status: 'member', since: at });
      open(op.a, op.sk);
      applied.add(op.id);
      continue;
    }
    const author = members.get(op.a);
    switch (op.op) {
      case 'create':
        continue; // one create per group: the first
      case 'invite': {
        if (author?.status !== 'member' || !op.who) continue;
        const target = members.get(op.who);
        if (target?.status === 'member' || target?.status === 'invited') continue;
        if (seats() >= MAX_MEMBERS) continue;
        members.set(op.who, { key: op.who, status: 'invited', since: at, invitedBy: op.a });
        break;
      }
      case 'join':
        if (author?.status !== 'invited' && author?.status !== 'left') continue;
        if (author.status === 'left' && seats() >= MAX_MEMBERS) continue;
        members.set(op.a, { ...author, status: 'member', since: at });
        open(op.a, op.sk);
        break;
      case 'leave':
        if (author?.status !== 'member' && author?.status !== 'invited') continue;
        if (author.status === 'member') close(op.a, op.sk);
        members.set(op.a, { ...author, status: 'left', since: at });
        break;
    }
    applied.add(op.id);
  }
  if (!creator) return EMPTY_MEMBERSHIP;
  return { valid: true, name, creator, createdAt, members, intervals, applied };
}

/** Whether `key` was a member at the sort key `at`. */
export function wasMemberAt(m: Membership, key: string, at: string): boolean {
  for (const [from, to] of m.intervals.get(key) ?? []) if (from < at && (to === undefined || at < to)) return true;
  return false;
}

/** Status of `key` now (undefined: never in the group). */
export const statusOf = (m: Membership, key: string): MemberStatus | undefined => m.members.get(key)?.status;

export type AddResult = 'added' | 'duplicate' | 'not-member' | 'too-old' | 'full';

/** What adding an op did. */
export interface OpResult {
  /**
   * `added`: it took effect; `no-effect`: it does not fit the state at its place (not kept: it may fit once an
   * earlier op arrives); `duplicate`; `full`: the group is at its op cap.
   */
  readonly result: 'added' | 'no-effect' | 'duplicate' | 'full';
  /** Messages no longer valid under the new membership (removed). */
  readonly dropped: readonly ChatMessage[];
}

export interface GroupOptions {
  /** Messages kept (oldest dropped). */
  cap?: number;
  /** Direct conversation: the two keys. */
  dm?: readonly [string, string];
}

/**
 * One group's items: its ops, the membership they give, and its valid messages in order. Mutable for speed
 * (thousands of messages), but deterministic: the same items in any order give the same state.
 */
export class ChatGroup {
  readonly ops = new Map<string, ChatOp>();
  /** Valid messages, sorted by sort key. */
  readonly messages: ChatMessage[] = [];
  private readonly byId = new Map<string, ChatMessage>();
  private readonly byShort = new Map<string, ChatMessage>();
  private _membership: Membership = EMPTY_MEMBERSHIP;
  readonly cap: number;
  readonly dm: readonly [string, string] | undefined;
  /** Bumped on every change (views compare it). */
  version = 0;

  constructor(
    readonly id: string,
    options: GroupOptions = {},
  ) {
    this.cap = options.cap ?? MAX_MESSAGES_PER_GROUP;
    this.dm = options.dm ? ([...options.dm].sort() as [string, string]) : undefined;
  }

  get kind(): 'group' | 'dm' {
    return this.dm ? 'dm' : 'group';
  }

  get membership(): Membership {
    return this._membership;
  }

  get name(): string {
    return this._membership.name;
  }

  /** Status of a key now. */
  status(key: string): MemberStatus | undefined {
    if (this.dm) return this.dm.includes(key) ? 'member' : undefined;
    return statusOf(this._membership, key);
  }

  /** Keys with their status (a direct conversation: its two members). */
  members(): MemberInfo[] {
    if (this.dm) return this.dm.map((key) => ({ key, status: 'member' as const, since: { t: 0, c: 0 } }));
    return [...this._membership.members.values()];
  }

  /** Whether the author of a message at `sk` was a member then. */
  memberAt(key: string, sk: string): boolean {
    if (this.dm) return this.dm.includes(key);
    return wasMemberAt(this._membership, key, sk);
  }

  hasMessage(id: string): boolean {
    return this.byId.has(id);
  }

  message(id: string): ChatMessage | undefined {
    return this.byId.get(id);
  }

  /** The message whose id starts with this short id (sync). */
  byShortId(short: string): ChatMessage | undefined {
    return this.byShort.get(short);
  }

  /** The oldest sort key kept when the group is full (older messages are not taken), else undefined. */
  get horizon(): string | undefined {
    return this.messages.length >= this.cap ? this.messages[0]?.sk : undefined;
  }

  /**
   * Add an op and recompute membership. Only ops that take effect are kept, so peers that hold the same
   * effective ops hold the same op set; messages the new membership makes invalid are removed and returned.
   */
  addOp(op: ChatOp): OpResult {
    if (this.dm || op.g !== this.id) return { result: 'no-effect', dropped: [] };
    if (this.ops.has(op.id)) return { result: 'duplicate', dropped: [] };
    if (this.ops.size >= MAX_OPS_PER_GROUP) return { result: 'full', dropped: [] };
    this.ops.set(op.id, op);
    const after = membershipOf(this.id, this.ops.values());
    if (!after.applied.has(op.id)) {
      this.ops.delete(op.id);
      return { result: 'no-effect', dropped: [] };
    }
    this._membership = after;
    this.version++;
    return { result: 'added', dropped: this.purge() };
  }

  /** Load many ops at once (one membership computation); returns those that take no effect (not kept). */
  addOps(ops: Iterable<ChatOp>): ChatOp[] {
    if (this.dm) return [...ops];
    for (const op of ops) if (op.g === this.id && this.ops.size < MAX_OPS_PER_GROUP) this.ops.set(op.id, op);
    const after = membershipOf(this.id, this.ops.values());
    const idle = [...this.ops.values()].filter((o) => !after.applied.has(o.id));
    for (const o of idle) this.ops.delete(o.id);
    this._membership = after;
    this.version++;
    this.purge();
    return idle;
  }

  /** The ops that take effect, in order (what a peer asking for the group's ops gets). */
  appliedOps(): ChatOp[] {
    return [...this.ops.values()].filter((o) => this._membership.applied.has(o.id)).sort(bySortKey);
  }

  /** Add a valid message in order; `not-member` when its author was not a member at its time. */
  addMessage(m: ChatMessage): { result: AddResult; dropped: readonly ChatMessage[] } {
    if (m.g !== this.id) return { result: 'not-member', dropped: [] };
    if (this.byId.has(m.id)) return { result: 'duplicate', dropped: [] };
    if (!this.memberAt(m.a, m.sk)) return { result: 'not-member', dropped: [] };
    const horizon = this.horizon;
    if (horizon !== undefined && m.sk < horizon) return { result: 'too-old', dropped: [] };
    const at = insertionIndex(this.messages, m.sk);
    this.messages.splice(at, 0, m);
    this.byId.set(m.id, m);
    this.byShort.set(shortId(m.id), m);
    this.version++;
    const dropped = this.messages.length > this.cap ? this.messages.splice(0, this.messages.length - this.cap) : [];
    for (const d of dropped) this.forget(d);
    return { result: 'added', dropped };
  }

  /** Messages after the sort key `after` (all when undefined) not written by `me`. */
  unreadAfter(after: string | undefined, me: string): number {
    let n = 0;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (after !== undefined && m.sk <= after) break;
      if (m.a !== me) n++;
    }
    return n;
  }

  /** The newest message. */
  get last(): ChatMessage | undefined {
    return this.messages[this.messages.length - 1];
  }

  /** Drop messages whose author was not a member at their time. */
  private purge(): ChatMessage[] {
    const dropped: ChatMessage[] = [];
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (this.memberAt(m.a, m.sk)) continue;
      this.messages.splice(i, 1);
      this.forget(m);
      dropped.push(m);
    }
    if (dropped.length) this.version++;
    return dropped;
  }

  private forget(m: ChatMessage): void {
    this.byId.delete(m.id);
    if (this.byShort.get(shortId(m.id)) === m) this.byShort.delete(shortId(m.id));
  }
}

/** Where `sk` goes in a list sorted by sort key (binary search). */
export function insertionIndex(list: readonly { sk: string }[], sk: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.sk < sk) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sort two timestamps with ids the protocol's way. */
export function compareItems(a: Hlc & { id: string }, b: Hlc & { id: string }): number {
  return compareHlc(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// ---- display names ---------------------------------------------------------------------------------------------

/** A key's short fingerprint, shown next to every name that is not a contact's: `3fa2c1d0…9c1d`. */
export function fingerprint(key: string): string {
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}

/** A name compared for look-alikes: compatibility-normalized, case-folded, without spaces or invisible characters. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Z}\p{Cf}\p{Cc}\p{M}\s._\-·'"`]/gu, '');
}

export interface Author {
  /** What to show as the author. */
  readonly label: string;
  /** A contact (a name the page set for this key) or me: shown without a fingerprint. */
  readonly trusted: boolean;
  readonly me: boolean;
  /** The key's short fingerprint (always given; views show it whenever `trusted` is false). */
  readonly fingerprint: string;
  /** The claimed name was refused: it matches a contact's name on another key (or "You"). */
  readonly impostor: boolean;
}

/**
 * How to show the author of a message: "You" for me, the page's name for a contact, else the claimed name —
 * unless it looks like a contact's (or my) name, then only the fingerprint. Names never decide trust.
 */
export function authorOf(key: string, claimed: string | undefined, me: string | undefined, names: ReadonlyMap<string, string>): Author {
  const fp = fingerprint(key);
  if (key === me) return { label: 'You', trusted: true, me: true, fingerprint: fp, impostor: false };
  const contact = names.get(key);
  if (contact) return { label: contact, trusted: true, me: false, fingerprint: fp, impostor: false };
  if (!claimed) return { label: fp, trusted: false, me: false, fingerprint: fp, impostor: false };
  if (claimsContactName(key, claimed, names)) return { label: fp, trusted: false, me: false, fingerprint: fp, impostor: true };
  return { label: claimed, trusted: false, me: false, fingerprint: fp, impostor: false };
}

/** Whether a name claimed by `key` looks like the name of a contact with another key, or like "You". */
export function claimsContactName(key: string, claimed: string, names: ReadonlyMap<string, string>): boolean {
  const k = nameKey(claimed);
  if (!k) return false;
  if (k === 'you' || k === 'me') return true;
  for (const [other, name] of names) if (other !== key && nameKey(name) === k) return true;
  return false;
}
