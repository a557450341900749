/**
 * Runs trades: feeds the pure state machine (`trade.protocol.ts`) with the user's commands, the peer's
 * messages, deadlines and the results of the work it asks for (verify, sign, finalize, check: done by
 * `trade.effects.ts`), persists every step (`trade.store.ts`) before sending its messages, writes the signed
 * audit log, and reports changes and host notices. Framework-free (an EventTarget); `<darkswap-trade>` wires it to the connection
 * service and the DOM.
 *
 * The wallet is only ever reached through the Bitcoin layer's `verifyThenSign`, and only after the user
 * confirmed the review of a transaction that had already verified.
 */
import type { Identity } from '../../core/identity.js';
import type { SwapRole, SwapTermsWire } from '../../bitcoin/wire.js';
import {
  canCancel,
  isTerminal,
  missesMessages,
  newTradeId,
  otherRole,
  proposeTrade,
  receiveProposal,
  resendFrom,
  resumeRecord,
  resumeRequest,
  stepTrade,
  type TradeEffect,
  type TradeInput,
  type TradeMessage,
  type TradeNotice,
  type TradeRecord,
  type TradeStep,
} from './trade.protocol.js';
import { loadBitcoin, prepareContribution, type TradeHost } from './trade.bitcoin.js';
import { effectFailed, runEffect } from './trade.effects.js';
import { digest, type TradeStore } from './trade.store.js';
import type { TradeDeadlines } from './trade.types.js';

/** Unanswered incoming proposals kept per counterparty key; more are dropped. */
export const MAX_PENDING_PROPOSALS_PER_PEER = 5;

export interface TradeEngineOptions {
  readonly store: TradeStore;
  /** Injected clock (epoch ms). */
  readonly clock?: () => number;
  /** Sends one message to a peer; throws when there is no link. */
  send(peer: string, message: TradeMessage): void;
  /** The identity that signs the audit log (the connection service's). */
  identity(): Identity | undefined;
  /** Identity key of a peer on an open link. */
  peerKey(peer: string): string | undefined;
  /** Peer ids with an open link. */
  peers(): readonly string[];
  /** Try to (re)open a link to a peer (after a reload). */
  connect?(peer: string): Promise<void>;
  /** Wallet, indexer, broadcaster and fee band; undefined while the host has not supplied them. */
  host(): TradeHost | undefined;
  deadlines(): TradeDeadlines;
}

/** Fired on the engine for each host notice, with the record after the step. */
export class TradeNoticeEvent extends Event {
  constructor(
    readonly notice: TradeNotice,
    readonly record: TradeRecord,
  ) {
    super('notice');
  }
}

export interface ProposeOptions {
  readonly role: SwapRole;
  readonly terms: SwapTermsWire;
  readonly orderId?: string | undefined;
}

export class TradeEngine extends EventTarget {
  readonly store: TradeStore;
  readonly #o: TradeEngineOptions;
  readonly #now: () => number;
  readonly #records = new Map<string, TradeRecord>();
  readonly #busy = new Map<string, string>();
  readonly #chains = new Map<string, Promise<unknown>>();
  /** Incoming proposals being stored, per counterparty key. */
  readonly #arriving = new Map<string, Set<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** Resolves once the stored trades are loaded (and resumed). */
  readonly ready: Promise<void>;

  constructor(options: TradeEngineOptions) {
    super();
    this.#o = options;
    this.store = options.store;
    this.#now = options.clock ?? Date.now;
    this.ready = this.#load();
  }

  /** Every trade known here, newest first. */
  get trades(): TradeRecord[] {
    return [...this.#records.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(id: string): TradeRecord | undefined {
    return this.#records.get(id);
  }

  /** What the engine is doing for a trade right now (`verify`, `sign`, `prepare`, …), if anything. */
  busy(id: string): string | undefined {
    return this.#busy.get(id);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  // ---- commands ----------------------------------------------------------------------------------------------

  /** Proposes a trade to a connected peer: my contribution is taken from my wallet. Resolves to the trade id. */
  async propose(peer: string, options: ProposeOptions): Promise<string> {
    await this.ready;
    const host = this.#o.host();
    if (!host) throw new Error('No wallet and indexer: set the wallet and indexer properties (or provide them).');
    const peerKey = this.#o.peerKey(peer);
    if (!peerKey) throw new Error(`Peer ${peer} is not connected.`);
    const { btc } = await loadBitcoin();
    const parsed = btc.parseTerms(options.terms);
    if (!parsed.ok) throw new Error(`Invalid terms: ${parsed.message}`);
    const prepared = await prepareContribution(btc, host, parsed.terms, options.role, this.#reserved());
    if (!prepared.ok) throw new Error(`Your wallet cannot make this trade: ${prepared.message}.`);
    const step = proposeTrade(
      {
        id: newTradeId(),
        peer,
        peerKey,
        role: options.role,
        terms: options.terms,
        contribution: prepared.contribution,
        orderId: options.orderId,
        deadlines: this.#o.deadlines(),
      },
      this.#now(),
    );
    await this.#serial(step.record.id, () => this.#commit(undefined, step));
    return step.record.id;
  }

  /** Accepts an incoming proposal: my contribution is taken from my wallet, then both sides verify. */
  async accept(id: string): Promise<void> {
    await this.ready;
    const r = this.#records.get(id);
    if (!r || r.state !== 'incoming') throw new Error('No incoming proposal with this id.');
    const host = this.#o.host();
    if (!host) {
      await this.#apply(id, { kind: 'fail', code: 'no-wallet', message: 'You have no wallet connected to trade with.' });
      return;
    }
    this.#setBusy(id, 'prepare');
    try {
      const { btc } = await loadBitcoin();
      const parsed = btc.parseTerms(r.terms);
      if (!parsed.ok) {
        await this.#apply(id, { kind: 'fail', code: 'invalid-terms', message: `The terms are invalid: ${parsed.message}` });
        return;
      }
      const prepared = await prepareContribution(btc, host, parsed.terms, r.role, this.#reserved(id));
      if (!prepared.ok) {
        await this.#apply(id, { kind: 'fail', code: 'invalid-terms', message: `Your wallet cannot make this trade: ${prepared.message}.` });
        return;
      }
      await this.#apply(id, { kind: 'accept', contribution: prepared.contribution });
    } finally {
      this.#setBusy(id);
    }
  }

  reject(id: string, reason = 'declined'): Promise<TradeStep | undefined> {
    return this.#apply(id, { kind: 'reject', reason });
  }

  /** Cancels before my signature; ignored (with a reason in the step) when that is no longer possible. */
  cancel(id: string): Promise<TradeStep | undefined> {
    return this.#apply(id, { kind: 'cancel' });
  }

  canCancel(id: string): boolean {
    const r = this.#records.get(id);
    return !!r && canCancel(r) && this.#busy.get(id) !== 'prepare';
  }

  /** The user confirmed the "what you sign" review: verify once more, then ask the wallet. */
  confirm(id: string): Promise<TradeStep | undefined> {
    return this.#apply(id, { kind: 'confirm' });
  }

  /** Checks every deadline now (also runs on a timer). */
  async tick(): Promise<void> {
    const now = this.#now();
    await Promise.all(
      [...this.#records.values()]
        .filter((r) => !isTerminal(r.state) && r.deadline !== undefined && r.deadline <= now)
        .map((r) => this.#apply(r.id, { kind: 'tick' })),
    );
  }

  // ---- network -----------------------------------------------------------------------------------------------

  /** A message arrived on the trade channel (already schema-checked and rate-limited by the service). */
  onMessage(message: TradeMessage, from: string): void {
    void this.#onMessage(message, from);
  }

  async #onMessage(message: TradeMessage, from: string): Promise<void> {
    await this.ready;
    const key = this.#o.peerKey(from);
    if (!key) return;
    const r = this.#records.get(message.id);
    if (message.t === 'resume') {
      if (!r || r.peerKey !== key) return;
      if (r.peer !== from) await this.#apply(r.id, { kind: 'peer-online', online: true, peer: from });
      const current = this.#records.get(r.id)!;
      for (const m of resendFrom(current, message.next)) this.#trySend(from, m);
      if (missesMessages(current, message)) this.#trySend(from, resumeRequest(current));
      return;
    }
    if (!r) {
      if (message.t !== 'propose') return;
      // A peer may keep only a few unanswered proposals here (each one is stored until it ends).
      const pending = [...this.#records.values()].filter((x) => x.peerKey === key && x.state === 'incoming').length + (this.#arriving.get(key)?.size ?? 0);
      if (pending >= MAX_PENDING_PROPOSALS_PER_PEER) return;
      const received = receiveProposal(message, { peer: from, peerKey: key }, this.#o.deadlines(), this.#now());
      if (!received.ok || this.#records.has(message.id) || this.#arriving.get(key)?.has(message.id)) return;
      // Counted synchronously, so proposals arriving together cannot all pass the cap while being stored.
      const arriving = this.#arriving.get(key) ?? new Set<string>();
      this.#arriving.set(key, arriving.add(message.id));
      try {
        await this.#serial(message.id, () => this.#commit(undefined, received.step));
      } finally {
        arriving.delete(message.id);
        if (!arriving.size) this.#arriving.delete(key);
      }
      void this.#screen(message.id);
      return;
    }
    if (r.peerKey !== key) return;
    if (r.peer !== from) await this.#apply(r.id, { kind: 'peer-online', online: true, peer: from });
    await this.#apply(r.id, { kind: 'message', message });
  }

  /** A link opened: mark the counterparty online and ask it for anything I missed. */
  onPeerConnected(peer: string): void {
    void (async () => {
      await this.ready;
      const key = this.#o.peerKey(peer);
      for (const r of this.#records.values()) {
        if (r.peer !== peer && r.peerKey !== key) continue;
        await this.#apply(r.id, { kind: 'peer-online', online: true, peer });
        if (!isTerminal(r.state)) this.#trySend(peer, resumeRequest(this.#records.get(r.id)!));
      }
    })();
  }

  /**
   * Dials the counterparty of every unfinished trade that is not linked (after a reload only this side knows
   * where the other is: its peer id is in the stored trade, mine is new).
   */
  redialAbsent(): void {
    void this.ready.then(() => {
      const linked = new Set(this.#o.peers());
      const dialed = new Set<string>();
      for (const r of this.#records.values()) {
        if (isTerminal(r.state) || linked.has(r.peer) || dialed.has(r.peer)) continue;
        dialed.add(r.peer);
        void this.#o.connect?.(r.peer).catch(() => undefined);
      }
    });
  }

  onPeerDisconnected(peer: string): void {
    for (const r of this.#records.values()) if (r.peer === peer && r.peerOnline) void this.#apply(r.id, { kind: 'peer-online', online: false });
  }

  // ---- internals ---------------------------------------------------------------------------------------------

  async #load(): Promise<void> {
    const stored = await this.store.list();
    const peers = new Set(this.#o.peers());
    for (const loaded of stored) {
      const { record, effects } = resumeRecord(loaded);
      const live = { ...record, peerOnline: peers.has(record.peer) };
      this.#records.set(live.id, live);
      if (record !== loaded) await this.store.save(live);
      if (isTerminal(live.state)) continue;
      void this.#audit(live, 'resumed', `state ${live.state}`);
      for (const e of effects) void this.#run(live.id, e);
      if (live.peerOnline) this.#trySend(live.peer, resumeRequest(live));
      else void this.#o.connect?.(live.peer).catch(() => undefined);
    }
    this.#schedule();
    this.#changed();
  }

  /** Serialises work per trade, so inputs apply one at a time in arrival order. */
  #serial<T>(id: string, job: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(id) ?? Promise.resolve();
    const next = previous.then(job, job);
    this.#chains.set(
      id,
      next.catch(() => undefined),
    );
    return next;
  }

  #apply(id: string, input: TradeInput): Promise<TradeStep | undefined> {
    return this.#serial(id, async () => {
      const r = this.#records.get(id);
      if (!r || this.#closed) return undefined;
      const step = stepTrade(r, input, this.#now());
      if (step.record === r) {
        if (step.resume !== undefined) this.#trySend(r.peer, resumeRequest(r));
        return step;
      }
      if (input.kind === 'message')
        void this.#audit(r, `received:${input.message.t}`, `seq ${input.message.seq} sha256 ${digest(JSON.stringify(input.message))}`);
      await this.#commit(r, step);
      return step;
    });
  }

  async #commit(previous: TradeRecord | undefined, step: TradeStep): Promise<void> {
    const r = step.record;
    // Persist before anything is visible or sent: after a crash the outbox still holds what may have gone out.
    try {
      await this.store.save(r);
    } catch (e) {
      console.warn('[darkswap] trade not saved:', e);
    }
    // Audit entries are queued in order before the new state can be observed.
    for (const m of step.send) void this.#audit(r, `sent:${m.t}`, `seq ${m.seq} sha256 ${digest(JSON.stringify(m))}`);
    if (previous?.state !== r.state) {
      const detail =
        r.state === 'failed' ? `${r.failure?.code}: ${r.failure?.message}` : r.state === 'done' ? `txid ${r.txid}` : r.myTxid ? `txid ${r.myTxid}` : '';
      void this.#audit(r, `state:${r.state}`, detail);
    }
    this.#records.set(r.id, r);
    for (const m of step.send) this.#trySend(r.peer, m);
    if (step.resume !== undefined) this.#trySend(r.peer, resumeRequest(r));
    for (const n of step.notices) this.dispatchEvent(new TradeNoticeEvent(n, r));
    for (const e of step.effects) void this.#run(r.id, e);
    this.#schedule();
    this.#changed();
  }

  #trySend(peer: string, message: TradeMessage): void {
    try {
      this.#o.send(peer, message);
    } catch {
      // No link now: the peer asks for it with `resume` when it is back (or the deadline ends the trade).
    }
  }

  async #audit(r: TradeRecord, event: string, detail: string): Promise<void> {
    const identity = this.#o.identity();
    if (!identity) return;
    try {
      await this.store.appendAudit(identity, { at: this.#now(), tradeId: r.id, event, detail: `${r.role} with ${r.peerKey.slice(0, 16)}…; ${detail}` });
    } catch (e) {
      console.warn('[darkswap] trade audit entry not written:', e);
    }
  }

  #changed(): void {
    this.dispatchEvent(new Event('change'));
  }

  #setBusy(id: string, what?: string): void {
    if (what) this.#busy.set(id, what);
    else this.#busy.delete(id);
    this.#changed();
  }

  /** Outpoints of my contributions in trades still in flight (never offered twice). */
  #reserved(except?: string): Set<string> {
    const out = new Set<string>();
    for (const r of this.#records.values()) {
      if (r.id === except || isTerminal(r.state)) continue;
      const mine = r.role === 'seller' ? r.seller : r.buyer;
      for (const i of mine?.inputs ?? []) out.add(`${i.txid}:${i.vout}`);
    }
    return out;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    let next = Infinity;
    for (const r of this.#records.values()) if (!isTerminal(r.state) && r.deadline !== undefined) next = Math.min(next, r.deadline);
    if (next === Infinity) return;
    this.#timer = setTimeout(() => void this.tick(), Math.max(0, next - this.#now()) + 5);
  }

  /** An incoming proposal whose terms or contribution break the Bitcoin rules is rejected at once. */
  async #screen(id: string): Promise<void> {
    const r = this.#records.get(id);
    if (!r) return;
    const { btc } = await loadBitcoin();
    const t = btc.parseTerms(r.terms);
    let problem = t.ok ? undefined : t.message;
    if (t.ok) {
      const theirs = otherRole(r.role);
      const c = theirs === 'seller' ? btc.parseSellerContribution(r.seller, t.terms.network) : btc.parseBuyerContribution(r.buyer, t.terms.network);
      if (!c.ok) problem = c.message;
    }
    if (problem) await this.#apply(id, { kind: 'reject', reason: `invalid terms: ${problem}` });
  }

  async #run(id: string, effect: TradeEffect): Promise<void> {
    const r = this.#records.get(id);
    if (!r) return;
    const host = this.#o.host();
    if (!host) {
      await this.#apply(id, { kind: 'fail', code: 'no-wallet', message: 'No wallet and indexer: the trade cannot be verified or signed here.' });
      return;
    }
    this.#setBusy(id, effect.kind);
    try {
      await this.#apply(id, await runEffect(r, host, effect));
    } catch (e) {
      await this.#apply(id, effectFailed(effect, e));
    } finally {
      this.#setBusy(id);
    }
  }
}
