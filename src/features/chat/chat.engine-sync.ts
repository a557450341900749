/**
 * The chat engine's side of digest sync (protocol: chat.protocol.ts; digests: chat.sync.ts): `sum` to the chat
 * peers a group is shared with, `buckets` when a root differs, `have` for buckets that differ, `get` for what I
 * lack, and the answers. Answers go only to peers whose key is in the group, within a per-peer budget.
 */
import { hlcOfSortKey } from './hlc.js';
import type { ChatPeer } from './chat.peers.js';
import {
  dmIdFor,
  itemPages,
  MAX_BUCKET,
  MAX_BUCKETS_PER_MESSAGE,
  MAX_GROUPS,
  RATES,
  shortIdPages,
  splitShortIds,
  type ChatRejectReason,
  type ChatWireMessage,
  type ItemWire,
} from './chat.protocol.js';
import type { ChatState, Held } from './chat.state.js';
import { bucketOf, differingBuckets, digestOf, idsInBuckets, type GroupDigest } from './chat.sync.js';

type Msg<T extends ChatWireMessage['t']> = Extract<ChatWireMessage, { t: T }>;

export interface SyncHost {
  post(peer: string, message: ChatWireMessage): boolean;
  /** The chat peers (those that said hello). */
  readonly peers: ReadonlyMap<string, ChatPeer>;
  keyOf(peer: string): string | undefined;
  now(): number;
  state(): ChatState | undefined;
  reject(peer: ChatPeer, reason: ChatRejectReason): void;
}

export class ChatSync {
  constructor(private readonly host: SyncHost) {}

  /** Items to one peer, in pages under the size limit. */
  sendItems(peer: string, wires: readonly ItemWire[], hop: number, re: boolean): void {
    for (const items of itemPages(wires)) if (!this.host.post(peer, { t: 'items', hop, re, items })) return;
  }

  /**
   * My hashes of the groups shared with `peer` (its key is in them): all of them with `force`, else only those
   * that changed since the last sum to it. `only` limits it to some groups.
   */
  sendSum(peerId: string, only?: readonly string[], force = false): void {
    const state = this.host.state();
    const peer = this.host.peers.get(peerId);
    const key = this.host.keyOf(peerId);
    if (!state || !peer || !key) return;
    const groups: Msg<'sum'>['groups'] = [];
    for (const [g, held] of state.held) {
      if ((only && !only.includes(g)) || held.group.status(key) === undefined) continue;
      const d = digestOf(held.group);
      const holds = state.holdsMessages(held);
      const hashes = `${d.ops}:${holds ? d.root : ''}`;
      if (!force && peer.sentSums.get(g) === hashes) continue;
      peer.sentSums.set(g, hashes);
      groups.push({ g, o: d.ops, ...(holds ? { r: d.root, n: d.count } : {}) });
    }
    for (let i = 0; i < groups.length; i += MAX_GROUPS) this.host.post(peerId, { t: 'sum', groups: groups.slice(i, i + MAX_GROUPS) });
  }

  /** A group changed for me (new to me, joined): offer its hashes to every chat peer in it. */
  announce(groupId: string): void {
    const held = this.host.state()?.held.get(groupId);
    if (!held) return;
    for (const peer of this.host.peers.keys()) {
      const key = this.host.keyOf(peer);
      if (key && held.group.status(key) !== undefined) this.sendSum(peer, [groupId], true);
    }
  }

  /** Ask a peer for a group's ops. */
  askOps(peerId: string, groupId: string): void {
    const peer = this.host.peers.get(peerId);
    if (!peer) return;
    peer.requestedOps.add(groupId);
    this.host.post(peerId, { t: 'get', g: groupId, ops: true, ids: '' });
  }

  handle(m: Exclude<ChatWireMessage, { t: 'hello' | 'bye' | 'items' }>, peer: ChatPeer, state: ChatState): void {
    switch (m.t) {
      case 'sum':
        return this.onSum(m, peer, state);
      case 'buckets':
        return this.onBuckets(m, peer, state);
      case 'have':
        return this.onHave(m, peer, state);
      case 'get':
        return this.onGet(m, peer, state);
    }
  }

  private onSum(m: Msg<'sum'>, peer: ChatPeer, state: ChatState): void {
    const key = peer.key;
    if (!key) return;
    let unknown = 0;
    for (const entry of m.groups) {
      let held = state.held.get(entry.g);
      if (!held && entry.g === dmIdFor(state.me, key)) held = state.holdDm(key);
      if (!held) {
        // A group the peer says I am in: ask for its ops (they show whether I am).
        if (unknown++ < 16) this.askOps(peer.peer, entry.g);
        continue;
      }
      const d = digestOf(held.group);
      if (!held.group.dm && d.ops !== entry.o) this.askOps(peer.peer, entry.g);
      if (entry.r !== undefined && state.holdsMessages(held) && entry.r !== d.root) {
        this.sendBuckets(peer.peer, entry.g, d);
        // And let it pull from me, unless it has my current hashes already.
        this.sendSum(peer.peer, [entry.g]);
      }
    }
  }

  private sendBuckets(peer: string, g: string, d: GroupDigest): void {
    const all = d.buckets.map((b) => [b.bucket, b.count, b.hash] as [number, number, string]);
    if (!all.length) return void this.host.post(peer, { t: 'buckets', g, lo: 0, hi: MAX_BUCKET, b: [] });
    for (let i = 0; i < all.length; i += MAX_BUCKETS_PER_MESSAGE) {
      const b = all.slice(i, i + MAX_BUCKETS_PER_MESSAGE);
      const lo = i === 0 ? 0 : b[0]![0];
      const hi = i + MAX_BUCKETS_PER_MESSAGE >= all.length ? MAX_BUCKET : all[i + MAX_BUCKETS_PER_MESSAGE]![0] - 1;
      this.host.post(peer, { t: 'buckets', g, lo, hi, b });
    }
  }

  /** The peer's buckets: offer my ids in every bucket that differs (it pulls what it lacks). */
  private onBuckets(m: Msg<'buckets'>, peer: ChatPeer, state: ChatState): void {
    const held = this.mine(m.g, state);
    if (!held) return;
    const mine = digestOf(held.group).buckets.filter((b) => b.bucket >= m.lo && b.bucket <= m.hi);
    const differ = differingBuckets(mine, m.b).filter((b) => b >= m.lo && b <= m.hi);
    for (const [bucket, ids] of idsInBuckets(held.group.messages, differ)) {
      for (const page of shortIdPages(ids)) this.host.post(peer.peer, { t: 'have', g: m.g, b: bucket, ids: page });
    }
  }

  /** Ids the peer has in a bucket: ask for those I lack (not below what a full group keeps). */
  private onHave(m: Msg<'have'>, peer: ChatPeer, state: ChatState): void {
    const held = this.mine(m.g, state);
    if (!held) return;
    const horizon = held.group.horizon;
    if (horizon !== undefined && m.b < bucketOf(hlcOfSortKey(horizon).t)) return;
    const missing = [...new Set(splitShortIds(m.ids))].filter((s) => !held.group.byShortId(s));
    for (const s of missing) peer.requested.add(s);
    for (const page of shortIdPages(missing)) this.host.post(peer.peer, { t: 'get', g: m.g, ops: false, ids: page });
  }

  /** Answer a `get`: ops to anyone who is or was in the group, messages to members and invited keys. */
  private onGet(m: Msg<'get'>, peer: ChatPeer, state: ChatState): void {
    const held = state.held.get(m.g);
    const status = held && peer.key ? held.group.status(peer.key) : undefined;
    if (!held || !status) return this.host.reject(peer, 'not-allowed');
    const wires: ItemWire[] = m.ops ? held.group.appliedOps().map((o) => o.wire) : [];
    const ids = splitShortIds(m.ids);
    if (ids.length && status === 'left') return this.host.reject(peer, 'not-allowed');
    for (const s of ids) {
      const msg = held.group.byShortId(s);
      if (msg) wires.push(msg.wire);
    }
    if (!wires.length) return;
    if (!peer.serve.take(this.host.now(), Math.min(wires.length, RATES.serveBurst))) return this.host.reject(peer, 'rate-limited');
    this.sendItems(peer.peer, wires, 0, true);
  }

  private mine(g: string, state: ChatState): Held | undefined {
    const held = state.held.get(g);
    return held && state.holdsMessages(held) ? held : undefined;
  }
}
