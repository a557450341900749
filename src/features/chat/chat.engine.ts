/**
 * The chat feature on one connection service (`featureFor(service, CHAT_FEATURE, …)`): owns the `chat`
 * channel, signs what I write with the service's identity, checks every item that arrives (shape, sizes, clock,
 * per-peer and per-author rates, signature) before chat.state.ts takes it in, forwards new items to the other
 * chat peers (gossip with a hop limit and seen-sets), runs digest sync (chat.sync.ts) when a link opens and
 * whenever a group changed, keeps unread counts and persists everything per identity (chat.store.ts).
 * Shared by every `<darkswap-group-chat>` on the service. The wire protocol: chat.protocol.ts.
 *
 * Events (`ChatEngineEvent`): `change` (anything a view shows; coalesced), `message` (a message entered a group:
 * `group`, `message`, `source`), `membership` (my status in a group changed: `group`, `status`).
 */
import type { Channel } from '../../core/channel.js';
import type { ConnectionApi } from '../../core/connection-api.js';
import type { PeerEvent } from '../../core/events.js';
import { isPublicKey, verifySignature, type Identity } from '../../core/identity.js';
import { featureFor, type Feature, type FeatureLease } from '../registry.js';
import { HybridClock } from './hlc.js';
import { authorOf, claimsContactName, type MemberStatus } from './chat.model.js';
import { AuthorRates, ChatPeer, countReject, Outbox, type RejectCounts } from './chat.peers.js';
import {
  CHAT_CHANNEL,
  CHAT_MAX_BYTES,
  CHAT_VERSION,
  ChatMessageSchema,
  groupIdFor,
  MAX_GROUPS,
  MAX_HOPS,
  MAX_MESSAGES_PER_GROUP,
  MAX_NAME,
  MAX_SKEW_MS,
  NameSchema,
  newNonce,
  SUM_INTERVAL_MS,
  parseItem,
  signItem,
  type ChatItem,
  type ChatMessage,
  type ChatRejectReason,
  type ChatVerifier,
  type ChatWireMessage,
  type UnsignedItem,
} from './chat.protocol.js';
import { ChatState, type Held, type ItemContext } from './chat.state.js';
import { idbChatStore, ChatStoreWriter, type ChatPersistence } from './chat.store.js';
import { ChatSync } from './chat.engine-sync.js';
import { ItemScreen } from './chat.inbound.js';
import { checkText, ChatEngineEvent, ChatError, identityOf, type ChatEngineOptions, type ChatGroupSummary } from './chat.types.js';

export * from './chat.types.js';
import * as v from 'valibot';

export const CHAT_FEATURE = 'chat.v1';

const FULL_SUM_EVERY = 10;

export class ChatEngine extends EventTarget implements Feature {
  /** Resolves once my identity is known and my stored chats are loaded (rejects if the service closes first). */
  readonly ready: Promise<void>;
  /** Rejected items and requests, in total and by reason. */
  readonly rejects: RejectCounts = { total: 0, byReason: {} };
  /** Names the page gives keys (contacts): shown as trusted; claimed names that look like them are refused. */
  names: ReadonlyMap<string, string> = new Map();
  private _displayName = '';
  private state: ChatState | undefined;
  private identity: Identity | undefined;
  private writer: ChatStoreWriter | undefined;
  private readonly channel: Channel<ChatWireMessage>;
  private readonly peers = new Map<string, ChatPeer>();
  private readonly authors = new AuthorRates();
  private readonly outbox: Outbox;
  private readonly clock: HybridClock;
  private readonly now: () => number;
  private readonly store: ChatPersistence;
  private readonly verify: ChatVerifier;
  private readonly cap: number;
  private readonly options: ChatEngineOptions;
  private readonly sync: ChatSync;
  private readonly screen: ItemScreen;
  private inbound: Promise<void>;
  private tick: ReturnType<typeof setInterval> | undefined;
  private ticks = 0;
  private changePending = false;
  private disposed = false;
  private stopWaiting: (() => void) | undefined;
  private snapshots = new Map<string, { version: number; list: readonly ChatMessage[] }>();

  constructor(
    private readonly service: ConnectionApi,
    options: ChatEngineOptions = {},
  ) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    this.store = options.store ?? idbChatStore;
    this.verify = options.verify ?? verifySignature;
    this.cap = options.cap ?? MAX_MESSAGES_PER_GROUP;
    this.clock = new HybridClock(this.now, MAX_SKEW_MS);
    this.channel = service.channel<ChatWireMessage>(CHAT_CHANNEL, { schema: ChatMessageSchema, maxBytes: CHAT_MAX_BYTES });
    this.outbox = new Outbox((peer, hop, wires) => this.sync.sendItems(peer, wires, hop, false));
    this.sync = new ChatSync({
      post: (peer, m) => this.post(peer, m),
      peers: this.peers,
      keyOf: (peer) => this.keyOf(peer),
      now: this.now,
      state: () => this.state,
      reject: (peer, reason) => this.count(peer, reason),
    });
    this.screen = new ItemScreen({
      now: this.now,
      clock: this.clock,
      authors: this.authors,
      verify: this.verify,
      reject: (peer, reason) => this.count(peer, reason),
    });
    this.ready = this.start();
    this.ready.catch(() => undefined);
    this.inbound = this.ready.catch(() => undefined);
    this.channel.on((m, from) => {
      this.inbound = this.inbound
        .then(() => this.handle(m, from))
        .catch((e: unknown) =>
          queueMicrotask(() => {
            throw e;
          }),
        );
    });
    service.addEventListener('peer-connected', this.onPeerConnected);
    service.addEventListener('peer-disconnected', this.onPeerGone);
    globalThis.addEventListener?.('pagehide', this.onPageHide);
  }

  /**
   * Lease the one chat engine of a service (headless use; widgets on the same service share it). `options`
   * apply only when this creates the engine. `release()` the lease when done: the last one disposes it.
   */
  static acquire(service: ConnectionApi, options?: ChatEngineOptions): FeatureLease<ChatEngine> {
    return featureFor(service, CHAT_FEATURE, (s) => new ChatEngine(s, options));
  }

  /** My key (once ready). */
  get me(): string | undefined {
    return this.state?.me;
  }

  /** The display name sent with my messages (metadata: peers show it next to my key's fingerprint). */
  get displayName(): string {
    return this._displayName;
  }

  set displayName(name: string) {
    const clean = name
      .replace(/\p{Cc}/gu, ' ')
      .trim()
      .slice(0, MAX_NAME)
      .trim();
    this._displayName = v.is(NameSchema, clean) ? clean : '';
  }

  /** Every group I hold, newest activity first (invitations on top). */
  groups(): ChatGroupSummary[] {
    const state = this.state;
    if (!state) return [];
    const list = [...state.held.values()].map((h) => state.summary(h)).filter((s): s is ChatGroupSummary => !!s);
    const rank = (s: ChatGroupSummary) => (s.status === 'invited' ? 0 : s.status === 'left' ? 2 : 1);
    return list.sort((a, b) => rank(a) - rank(b) || (b.last?.sk ?? '').localeCompare(a.last?.sk ?? '') || a.id.localeCompare(b.id));
  }

  group(id: string): ChatGroupSummary | undefined {
    const held = this.state?.held.get(id);
    return held && this.state?.summary(held);
  }

  /** A group's messages in order (a snapshot: a new array whenever the group changed). */
  messages(id: string): readonly ChatMessage[] {
    const group = this.state?.held.get(id)?.group;
    if (!group) return [];
    const hit = this.snapshots.get(id);
    if (hit && hit.version === group.version) return hit.list;
    const list = Object.freeze([...group.messages]);
    this.snapshots.set(id, { version: group.version, list });
    return list;
  }

  /** Rejects counted for one peer. */
  rejectsFrom(peer: string): RejectCounts {
    return this.peers.get(peer)?.rejects ?? { total: 0, byReason: {} };
  }

  /** How to show a key (with the name it claims) to me: see `authorOf`. */
  author(key: string, claimed?: string) {
    return authorOf(key, claimed, this.me, this.names);
  }

  /** The display name a key claims in a group: in its newest message there, else its newest op. */
  claimedName(groupId: string, key: string): string | undefined {
    return this.state?.claimedName(groupId, key);
  }

  /** Creates a group with me as its only member; resolves to its id. */
  async createGroup(name: string): Promise<string> {
    const { state, identity } = await this.ready.then(() => this.need());
    const clean = name.trim();
    if (!v.is(NameSchema, clean)) throw new ChatError('invalid', `A group name is 1 to ${MAX_NAME} characters, without control characters.`);
    if (state.held.size >= MAX_GROUPS) throw new ChatError('full', `At most ${MAX_GROUPS} groups.`);
    const nonce = newNonce();
    const g = groupIdFor(identity.publicKey, nonce);
    const h = this.clock.now();
    const n = this._displayName ? { n: this._displayName } : {};
    const op = await signItem(identity, { v: CHAT_VERSION, k: 'op', op: 'create', g, a: identity.publicKey, t: h.t, c: h.c, nonce, name: clean, ...n });
    state.applyOp(state.hold(g), op as Extract<ChatItem, { kind: 'op' }>, LOCAL);
    this.changed();
    return g;
  }

  /**
   * Invites a key (64 hex) or a linked peer (its id) to a group I am a member of. The group's ops go straight to
   * the invitee on every link where it is, so it sees the invitation at once.
   */
  async invite(groupId: string, target: string): Promise<void> {
    const { state, identity } = await this.ready.then(() => this.need());
    const held = this.member(groupId);
    const key = this.resolveKey(target);
    const status = held.group.status(key);
    if (status === 'member' || status === 'invited') return;
    await this.authorOp(identity, state, held, { op: 'invite', who: key });
    for (const [peer] of this.peers) {
      if (this.keyOf(peer) === key)
        this.sync.sendItems(
          peer,
          held.group.appliedOps().map((o) => o.wire),
          0,
          true,
        );
    }
  }

  /** Joins a group I am invited to (or left). */
  async join(groupId: string): Promise<void> {
    const { state, identity } = await this.ready.then(() => this.need());
    const held = this.heldOr(groupId);
    const status = held.group.status(identity.publicKey);
    if (status === 'member') return;
    if (status !== 'invited' && status !== 'left') throw new ChatError('not-member', 'Only an invited member can join this group.');
    await this.authorOp(identity, state, held, { op: 'join' });
  }

  /** Leaves a group (or declines an invitation). A later sync never undoes it; only a newer join does. */
  async leave(groupId: string): Promise<void> {
    const { state, identity } = await this.ready.then(() => this.need());
    const held = this.heldOr(groupId);
    const status = held.group.status(identity.publicKey);
    if (status !== 'member' && status !== 'invited') return;
    await this.authorOp(identity, state, held, { op: 'leave' });
  }

  /** The direct conversation with a key or a linked peer (its id); resolves to the group id. */
  async openDirect(target: string): Promise<string> {
    const { state } = await this.ready.then(() => this.need());
    const key = this.resolveKey(target);
    if (key === state.me) throw new ChatError('invalid', 'That is you.');
    const held = state.holdDm(key);
    this.changed();
    return held.group.id;
  }

  /** Checks a text as `send` would; undefined when it can be sent. */
  static checkText(text: string): ChatError | undefined {
    return checkText(text);
  }

  /** Sends a message to a group I am a member of (or a direct conversation); resolves to the signed message. */
  async send(groupId: string, text: string): Promise<ChatMessage> {
    const problem = checkText(text);
    if (problem) throw problem;
    const { state, identity } = await this.ready.then(() => this.need());
    const held = this.heldOr(groupId);
    if (!held.group.dm && held.group.status(identity.publicKey) !== 'member') throw new ChatError('not-member', 'Join the group to write in it.');
    if (!this.authors.take(identity.publicKey, this.now())) throw new ChatError('rate-limited', 'Slow down: too many messages at once.');
    const h = this.clock.now();
    const n = this._displayName ? { n: this._displayName } : {};
    const partner = held.group.dm?.find((k) => k !== identity.publicKey);
    const fields: UnsignedItem = partner
      ? { v: CHAT_VERSION, k: 'dm', to: partner, a: identity.publicKey, t: h.t, c: h.c, text, ...n }
      : { v: CHAT_VERSION, k: 'msg', g: groupId, a: identity.publicKey, t: h.t, c: h.c, text, ...n };
    const item = (await signItem(identity, fields)) as ChatMessage;
    state.accept(item, LOCAL);
    this.changed();
    return item;
  }

  /** Unread messages in a group (messages by others after the last one I read). */
  unread(groupId: string): number {
    const held = this.state?.held.get(groupId);
    return held && this.state ? held.group.unreadAfter(held.lastRead, this.state.me) : 0;
  }

  /** Marks a group read up to its newest message. */
  markRead(groupId: string): void {
    const held = this.state?.held.get(groupId);
    const last = held?.group.last;
    if (!held || !last || held.lastRead === last.sk) return;
    held.lastRead = last.sk;
    this.writer?.setMeta(groupId, { lastRead: last.sk });
    this.changed();
  }

  /** Writes what is queued for storage; resolves when it is on disk. */
  flush(): Promise<void> {
    return this.writer?.flush() ?? Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopWaiting?.();
    for (const peer of this.peers.keys()) this.post(peer, { t: 'bye' });
    this.outbox.dispose();
    clearInterval(this.tick);
    this.channel.close();
    this.service.removeEventListener('peer-connected', this.onPeerConnected);
    this.service.removeEventListener('peer-disconnected', this.onPeerGone);
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    void this.writer?.flush();
  }

  // ---- internals ------------------------------------------------------------------------------

  private async start(): Promise<void> {
    const wait = identityOf(this.service);
    this.stopWaiting = wait.cancel;
    const identity = await wait.identity;
    this.stopWaiting = undefined;
    const snapshot = await this.store.load(identity.publicKey).catch(() => ({ items: [] as unknown[], meta: new Map<string, { lastRead?: string }>() }));
    if (this.disposed) return;
    this.identity = identity;
    this.writer = new ChatStoreWriter(this.store, identity.publicKey);
    const state = new ChatState(identity.publicKey, this.cap, {
      now: this.now,
      store: (item) => this.writer?.add(item),
      unstore: (item) => this.writer?.drop(item),
      forward: (item, ctx) => this.forward(item, ctx),
      reject: (ctx, reason) => this.count(ctx.from, reason),
      message: (group, m, ctx) => this.onNewMessage(group, m, ctx),
      membership: (group, status) => this.onMembership(group, status),
      askOps: (peer, group) => this.sync.askOps(peer, group),
    });
    const items = snapshot.items.flatMap((raw) => {
      const parsed = parseItem(raw);
      return parsed.ok ? [parsed.item] : [];
    });
    state.restore(items, new Map([...snapshot.meta].map(([g, m]) => [g, m.lastRead])));
    const newest = items.reduce((max, i) => (i.t > max.t || (i.t === max.t && i.c > max.c) ? i : max), { t: 0, c: 0 });
    this.clock.observe(newest);
    this.state = state;
    this.tick = setInterval(() => this.onTick(), this.options.syncIntervalMs ?? SUM_INTERVAL_MS);
    for (const peer of this.service.peers) this.post(peer, { t: 'hello', re: false });
    this.changed();
  }

  private need(): { state: ChatState; identity: Identity } {
    if (!this.state || !this.identity || this.disposed) throw new ChatError('not-ready', 'The chat is not ready.');
    return { state: this.state, identity: this.identity };
  }

  private heldOr(groupId: string): Held {
    const held = this.state?.held.get(groupId);
    if (!held) throw new ChatError('unknown-group', 'No such group here.');
    return held;
  }

  private member(groupId: string): Held {
    const held = this.heldOr(groupId);
    if (held.group.dm || held.group.status(this.me!) !== 'member') throw new ChatError('not-member', 'Only members of a group can invite.');
    return held;
  }

  private resolveKey(target: string): string {
    if (isPublicKey(target)) return target;
    const key = this.keyOf(target);
    if (!key) throw new ChatError('no-peer', `${target} is not linked (or not authenticated yet).`);
    return key;
  }

  /** Sign one of my ops for a group and take it in (it is gossiped from there). */
  private async authorOp(identity: Identity, state: ChatState, held: Held, body: { op: 'invite'; who: string } | { op: 'join' | 'leave' }): Promise<void> {
    const h = this.clock.now();
    const n = this._displayName ? { n: this._displayName } : {};
    const fields: UnsignedItem = { v: CHAT_VERSION, k: 'op', g: held.group.id, a: identity.publicKey, t: h.t, c: h.c, ...body, ...n };
    const op = await signItem(identity, fields);
    state.applyOp(held, op as Extract<ChatItem, { kind: 'op' }>, LOCAL);
    this.changed();
  }

  private keyOf(peer: string): string | undefined {
    return this.service.peerIdentity(peer)?.publicKey;
  }

  private post(peer: string, message: ChatWireMessage): boolean {
    // Gossip waiting in the outbox goes first: a peer never asks (or is offered) by sync what is on its way.
    if (message.t !== 'items') this.outbox.flush();
    try {
      this.channel.send(peer, message);
      return true;
    } catch {
      return false; // the link is gone: the next sync repairs
    }
  }

  private count(from: string | ChatPeer | undefined, reason: ChatRejectReason): void {
    countReject(this.rejects, reason);
    const peer = typeof from === 'string' ? this.peers.get(from) : from;
    if (peer) countReject(peer.rejects, reason);
  }

  private changed(): void {
    if (this.changePending) return;
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      if (!this.disposed) this.dispatchEvent(new ChatEngineEvent('change'));
    });
  }

  private onNewMessage(group: string, m: ChatMessage, ctx: ItemContext): void {
    if (m.n && m.a !== this.me && !this.names.has(m.a) && claimsContactName(m.a, m.n, this.names)) this.count(ctx.from, 'name-claim');
    this.dispatchEvent(new ChatEngineEvent('message', group, m, ctx.source));
    this.changed();
  }

  private onMembership(group: string, status: MemberStatus | undefined): void {
    if (status === 'member' || status === 'invited') this.sync.announce(group);
    if (status) this.dispatchEvent(new ChatEngineEvent('membership', group, undefined, undefined, status));
    this.changed();
  }

  /** Gossip: a new item goes to every other chat peer (one hop more), except answers and direct messages that reached me. */
  private forward(item: ChatItem, ctx: ItemContext): void {
    if (ctx.source === 'sync' || this.disposed) return;
    const hop = ctx.source === 'local' ? 0 : ctx.hop + 1;
    if (hop > MAX_HOPS) return;
    let targets = [...this.peers.keys()].filter((p) => p !== ctx.from);
    // My invitation reaches the invitee with the group's ops (invite()); not twice.
    if (item.kind === 'op' && item.op === 'invite' && ctx.source === 'local') targets = targets.filter((p) => this.keyOf(p) !== item.who);
    const dm = this.state?.held.get(item.g)?.group.dm;
    if (dm && item.kind === 'msg') {
      if (ctx.source !== 'local') return; // I am its end
      const partner = dm.find((k) => k !== this.me);
      const direct = targets.filter((p) => this.keyOf(p) === partner);
      if (direct.length) targets = direct;
    }
    for (const peer of targets) this.outbox.push(peer, hop, item.wire);
  }

  private async handle(m: ChatWireMessage, from: string): Promise<void> {
    const state = this.state;
    if (this.disposed || !state) return;
    if (m.t === 'bye') return this.forget(from);
    let peer = this.peers.get(from);
    if (!peer) this.peers.set(from, (peer = new ChatPeer(from, this.now())));
    peer.key = this.keyOf(from);
    switch (m.t) {
      case 'hello':
        if (!m.re) this.post(from, { t: 'hello', re: true });
        peer.sentSums.clear();
        return this.sync.sendSum(from, undefined, true);
      case 'items':
        return this.onItems(m, peer, state);
      default:
        this.sync.handle(m, peer, state);
        this.changed();
    }
  }

  private async onItems(m: Extract<ChatWireMessage, { t: 'items' }>, peer: ChatPeer, state: ChatState): Promise<void> {
    const { items, wanted } = await this.screen.items(m, peer, state);
    if (this.disposed || !items.length) return;
    const ctx: ItemContext = { from: peer.peer, hop: m.hop, source: m.re ? 'sync' : 'live' };
    for (const item of items) {
      this.clock.observe(item);
      state.accept(item, ctx, wanted.has(item.g));
    }
    this.changed();
  }

  private forget(peer: string): void {
    this.peers.delete(peer);
    this.outbox.forget(peer);
  }

  private onTick(): void {
    if (this.disposed || !this.state) return;
    const full = ++this.ticks % FULL_SUM_EVERY === 0;
    this.state.expire(this.now(), this.options.pendingMs);
    for (const [peer, state] of this.peers) {
      if (full) state.sentSums.clear();
      this.sync.sendSum(peer);
    }
  }

  private readonly onPeerConnected = (e: Event): void => {
    if (this.state && !this.disposed) this.post((e as PeerEvent).peer, { t: 'hello', re: false });
  };

  private readonly onPeerGone = (e: Event): void => this.forget((e as PeerEvent).peer);

  private readonly onPageHide = (): void => void this.writer?.flush();
}

const LOCAL: ItemContext = Object.freeze({ hop: 0, source: 'local' });
