/**
 * What the chat engine holds, without the network: the groups I am (or was) in, each with its pending items
 * (ops that do not fit yet, messages whose author's membership is not known yet), groups I might be invited to
 * (candidates, collected until their ops show me in them), and how each verified item is taken in. Pure apart
 * from the callbacks it is given (store, forward, reject, events); the engine (chat.engine.ts) feeds it items
 * whose signatures it has checked.
 */
import { ChatGroup, membershipOf, type MemberStatus } from './chat.model.js';
import { dmIdFor, MAX_GROUPS, MAX_OPS_PER_GROUP, type ChatItem, type ChatMessage, type ChatOp, type ChatRejectReason } from './chat.protocol.js';
import { BoundedSet } from './chat.peers.js';
import type { ChatGroupSummary } from './chat.types.js';

/** Where an item came from: made here, gossip, or an answer to my `get`. */
export type ChatSource = 'local' | 'live' | 'sync';

/** How an item reached me. */
export interface ItemContext {
  /** The peer it came from (undefined: made here or loaded). */
  readonly from?: string | undefined;
  readonly hop: number;
  readonly source: ChatSource;
}

interface Pending<T> {
  readonly item: T;
  readonly ctx: ItemContext;
  readonly at: number;
}

export interface Held {
  readonly group: ChatGroup;
  /** Sort key of the newest message I have read. */
  lastRead: string | undefined;
  readonly pendingOps: Map<string, Pending<ChatOp>>;
  readonly pendingMsgs: Map<string, Pending<ChatMessage>>;
}

export const MAX_PENDING_OPS = 200;
export const MAX_PENDING_MESSAGES = 500;
export const MAX_CANDIDATES = 32;
/** A pending item or a candidate group is given up after this long. */
export const PENDING_MS = 30_000;

export interface StateHooks {
  now(): number;
  /** Persist a new item / forget a dropped one. */
  store(item: ChatItem): void;
  unstore(item: ChatItem): void;
  /** Send an item on (gossip), as the context says. */
  forward(item: ChatItem, ctx: ItemContext): void;
  reject(ctx: ItemContext, reason: ChatRejectReason): void;
  /** A message entered a group. */
  message(group: string, m: ChatMessage, ctx: ItemContext): void;
  /** My status in a group changed (`undefined` before: the group is new to me). */
  membership(group: string, status: MemberStatus | undefined, before: MemberStatus | undefined): void;
  /** Ask this peer for a group's ops (an invite reached me without them). */
  askOps(peer: string, group: string): void;
}

export class ChatState {
  readonly held = new Map<string, Held>();
  private readonly candidates = new Map<string, { ops: Map<string, ChatOp>; at: number }>();
  /** Ids of items I relayed for groups I do not hold. */
  readonly seen = new BoundedSet<string>(20_000);

  constructor(
    readonly me: string,
    private readonly cap: number,
    private readonly hooks: StateHooks,
  ) {}

  /**
   * Whether an item is already here (stored, pending, collected or relayed). `wanted`: ops of a group I may be
   * in (an invitation came with them): relaying them before does not count, I need them now.
   */
  known(item: ChatItem, wanted = false): boolean {
    const held = this.held.get(item.g);
    if (held) {
      if (item.kind === 'op' ? held.group.ops.has(item.id) : held.group.hasMessage(item.id)) return true;
      if (held.pendingOps.has(item.id) || held.pendingMsgs.has(item.id)) return true;
      // Relayed before I held the group: wanted now.
      if (item.kind === 'op' || this.holdsMessages(held)) return false;
    }
    if (this.candidates.get(item.g)?.ops.has(item.id)) return true;
    if (wanted && item.kind === 'op') return false;
    return this.seen.has(item.id);
  }

  /** Whether I keep a group's messages: a direct conversation, or a group I am a member of or invited to. */
  holdsMessages(held: Held): boolean {
    const s = held.group.status(this.me);
    return !!held.group.dm || s === 'member' || s === 'invited';
  }

  /** A new held group (a direct conversation with `dm`). */
  hold(id: string, dm?: string): Held {
    let held = this.held.get(id);
    if (!held) {
      const group = new ChatGroup(id, { cap: this.cap, ...(dm ? { dm: [this.me, dm] as const } : {}) });
      held = { group, lastRead: undefined, pendingOps: new Map(), pendingMsgs: new Map() };
      this.held.set(id, held);
    }
    return held;
  }

  /** The direct conversation with `key`. */
  holdDm(key: string): Held {
    return this.hold(dmIdFor(this.me, key), key);
  }

  /** Take in a verified item. `candidate`: ops of a group I do not hold that may be mine (collect them). */
  accept(item: ChatItem, ctx: ItemContext, candidate = false): void {
    if (item.kind === 'op') this.acceptOp(item, ctx, candidate);
    else this.acceptMessage(item, ctx);
  }

  private acceptOp(op: ChatOp, ctx: ItemContext, candidate: boolean): void {
    const held = this.held.get(op.g);
    if (held) return this.applyOp(held, op, ctx);
    if (candidate || op.a === this.me || op.who === this.me) return this.collect(op, ctx);
    this.relay(op, ctx);
  }

  /** Add an op to a held group; one that does not fit yet waits (bounded). */
  applyOp(held: Held, op: ChatOp, ctx: ItemContext): void {
    const before = held.group.status(this.me);
    const r = held.group.addOp(op);
    if (r.result === 'duplicate') return;
    if (r.result === 'full') return this.hooks.reject(ctx, 'full');
    if (r.result === 'no-effect') {
      if (held.pendingOps.size >= MAX_PENDING_OPS) return this.hooks.reject(ctx, 'not-member');
      held.pendingOps.set(op.id, { item: op, ctx, at: this.hooks.now() });
      return;
    }
    this.hooks.store(op);
    for (const d of r.dropped) this.hooks.unstore(d);
    if (op.op !== 'create') this.hooks.forward(op, ctx);
    this.retryPending(held);
    const after = held.group.status(this.me);
    if (after !== before) this.hooks.membership(held.group.id, after, before);
  }

  /** Ops and messages that waited for an earlier op: take in those that fit now. */
  private retryPending(held: Held): void {
    let progress = true;
    while (progress) {
      progress = false;
      for (const [id, p] of held.pendingOps) {
        const r = held.group.addOp(p.item);
        if (r.result === 'no-effect') continue;
        held.pendingOps.delete(id);
        if (r.result !== 'added') continue;
        progress = true;
        this.hooks.store(p.item);
        for (const d of r.dropped) this.hooks.unstore(d);
        this.hooks.forward(p.item, p.ctx);
      }
    }
    for (const [id, p] of held.pendingMsgs) {
      if (!held.group.memberAt(p.item.a, p.item.sk)) continue;
      held.pendingMsgs.delete(id);
      this.acceptMessage(p.item, p.ctx);
    }
  }

  /** Ops of a group I do not hold yet: collect them until they show me in it, then hold it. */
  private collect(op: ChatOp, ctx: ItemContext): void {
    let cand = this.candidates.get(op.g);
    if (!cand) {
      if (this.candidates.size >= MAX_CANDIDATES) this.candidates.delete(this.candidates.keys().next().value as string);
      cand = { ops: new Map(), at: this.hooks.now() };
      this.candidates.set(op.g, cand);
    }
    if (cand.ops.size >= MAX_OPS_PER_GROUP) return this.hooks.reject(ctx, 'full');
    cand.ops.set(op.id, op);
    if (op.op !== 'create' && !this.seen.has(op.id)) this.hooks.forward(op, ctx);
    this.seen.add(op.id);
    const m = membershipOf(op.g, cand.ops.values());
    if (m.valid && m.members.has(this.me)) return this.promote(op.g, cand.ops.values());
    if (!m.valid && op.who === this.me && ctx.from) this.hooks.askOps(ctx.from, op.g);
  }

  private promote(id: string, ops: Iterable<ChatOp>): void {
    this.candidates.delete(id);
    if (this.held.size >= MAX_GROUPS) return;
    const held = this.hold(id);
    const idle = held.group.addOps(ops);
    const now = this.hooks.now();
    for (const op of idle) held.pendingOps.set(op.id, { item: op, ctx: { hop: 0, source: 'sync' }, at: now });
    for (const op of held.group.appliedOps()) this.hooks.store(op);
    this.hooks.membership(id, held.group.status(this.me), undefined);
  }

  private acceptMessage(m: ChatMessage, ctx: ItemContext): void {
    let held = this.held.get(m.g);
    if (!held && m.to !== undefined && (m.to === this.me || m.a === this.me)) held = this.holdDm(m.to === this.me ? m.a : m.to);
    if (!held) return this.relay(m, ctx);
    if (!this.holdsMessages(held)) {
      // A group I left: I still know its members, so I pass valid messages on, but keep none.
      if (!held.group.memberAt(m.a, m.sk)) return this.hooks.reject(ctx, 'not-member');
      return this.relay(m, ctx);
    }
    const r = held.group.addMessage(m);
    if (r.result === 'added') {
      this.hooks.store(m);
      for (const d of r.dropped) this.hooks.unstore(d);
      this.hooks.message(held.group.id, m, ctx);
      this.hooks.forward(m, ctx);
    } else if (r.result === 'not-member') {
      // Its author's join may still be on the way: wait (bounded) before refusing it.
      if (held.group.dm || held.pendingMsgs.size >= MAX_PENDING_MESSAGES) return this.hooks.reject(ctx, 'not-member');
      held.pendingMsgs.set(m.id, { item: m, ctx, at: this.hooks.now() });
    } else if (r.result === 'too-old') {
      this.seen.add(m.id); // older than everything a full group keeps: not wanted, not a fault
    }
  }

  /** An item of a group I do not keep: pass it on once. */
  private relay(item: ChatItem, ctx: ItemContext): void {
    if (this.seen.has(item.id)) return;
    this.seen.add(item.id);
    this.hooks.forward(item, ctx);
  }

  /** Give up pending items and candidates older than `maxAge` (pending items are refused as `not-member`). */
  expire(now: number, maxAge = PENDING_MS): void {
    for (const held of this.held.values()) {
      for (const pending of [held.pendingOps, held.pendingMsgs] as Map<string, Pending<ChatItem>>[]) {
        for (const [id, p] of pending) {
          if (now - p.at <= maxAge) continue;
          pending.delete(id);
          this.hooks.reject(p.ctx, 'not-member');
        }
      }
    }
    for (const [id, c] of this.candidates) if (now - c.at > maxAge) this.candidates.delete(id);
  }

  /** A held group as a list shows it (undefined for a group I was never in). */
  summary(held: Held): ChatGroupSummary | undefined {
    const g = held.group;
    const me = this.me;
    const status = g.status(me);
    if (!status) return undefined;
    const info = g.membership.members.get(me);
    return {
      id: g.id,
      kind: g.kind,
      name: g.name,
      status,
      unread: g.unreadAfter(held.lastRead, me),
      last: g.last,
      members: g.members(),
      ...(g.dm ? { partner: g.dm.find((k) => k !== me) ?? me } : {}),
      ...(status === 'invited' && info?.invitedBy ? { invitedBy: info.invitedBy } : {}),
      version: g.version,
    };
  }

  /**
   * The display name a key claims: in its newest message in the group, else its newest op there, else in my other
   * groups (a direct conversation's first message may come from someone known from a group).
   */
  claimedName(groupId: string, key: string): string | undefined {
    const own = this.held.get(groupId)?.group;
    const groups = own ? [own, ...[...this.held.values()].map((h) => h.group).filter((g) => g !== own)] : [];
    for (const group of groups) {
      for (let i = group.messages.length - 1; i >= 0; i--) if (group.messages[i]!.a === key && group.messages[i]!.n) return group.messages[i]!.n;
      const op = group
        .appliedOps()
        .reverse()
        .find((o) => o.a === key && o.n);
      if (op) return op.n;
    }
    return undefined;
  }

  /** Groups restored from storage: ops and messages as loaded (already verified when first stored). */
  restore(items: readonly ChatItem[], lastRead: ReadonlyMap<string, string | undefined>): void {
    const ops = new Map<string, ChatOp[]>();
    for (const item of items) if (item.kind === 'op') ops.set(item.g, [...(ops.get(item.g) ?? []), item]);
    for (const [id, list] of ops) {
      const group = new ChatGroup(id, { cap: this.cap });
      group.addOps(list);
      if (group.status(this.me) === undefined) continue;
      this.held.set(id, { group, lastRead: undefined, pendingOps: new Map(), pendingMsgs: new Map() });
    }
    const messages = items.filter((i): i is ChatMessage => i.kind === 'msg').sort((a, b) => (a.sk < b.sk ? -1 : 1));
    for (const m of messages) {
      const held = this.held.get(m.g) ?? (m.to !== undefined && (m.to === this.me || m.a === this.me) ? this.holdDm(m.to === this.me ? m.a : m.to) : undefined);
      const r = held?.group.addMessage(m);
      for (const d of r?.dropped ?? []) this.hooks.unstore(d);
      if (r && r.result !== 'added' && r.result !== 'duplicate') this.hooks.unstore(m);
    }
    for (const [id, at] of lastRead) {
      const held = this.held.get(id);
      if (held) held.lastRead = at;
    }
  }
}
