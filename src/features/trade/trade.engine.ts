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
  holdsInputs,
  isTerminal,
  messageDigest,
  missesMessages,
  myInputs,
  signTradeMessage,
  verifyTradeMessage,
  needsWatch,
  newTradeId,
  swapInputs,
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
  type SequencedMessage,
} from './trade.protocol.js';
import { effectFailed, loadBitcoin, type TradeHost } from './trade.bitcoin.js';
import type { TradeStore } from './trade.store.js';
import { acquireWriterLock } from './trade.lock.js';
import type { TradeDeadlines } from './trade.types.js';

/** Unanswered incoming proposals kept per counterparty key; more are dropped. */
export const MAX_PENDING_PROPOSALS_PER_PEER = 5;
/** Unanswered incoming proposals kept in all (from every peer); more are dropped. They are never persisted. */
export const MAX_PENDING_PROPOSALS = 20;
/** Finished proposals that were never accepted (declined, expired) kept in memory for display; the oldest go first. */
const MAX_UNSAVED_FINISHED = 20;
/** How often the chain is asked about trades whose signature is out (default). */
export const DEFAULT_CHAIN_POLL_MS = 10_000;
/** Tries to save a step before it is given up (nothing of it is sent then). */
const SAVE_TRIES = 3;

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
  /** How often to ask the chain source about trades whose signature is out (ms). */
  readonly chainPollMs?: number;
  /** Whether to cancel on chain by itself when a trade with my signature out fails. */
  autoCancelOnChain?(): boolean;
  /**
   * Checks an incoming proposal that names one of my orders (`orderId`) against that order as it stands
   * (asset, side, price, remaining amount): a reason to reject it, or undefined.
   */
  checkOrder?(record: TradeRecord): string | undefined;
}

/** A problem the engine cannot put into a trade's state (a save that failed, a cancel on chain that failed). */
export class TradeErrorEvent extends Event {
  constructor(
    readonly tradeId: string,
    readonly message: string,
  ) {
    super('trade-error');
  }
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
  /** Trades never saved (unanswered proposals, and those that ended unanswered), oldest first. */
  readonly #unsaved = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #watchTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #standby = false;
  #releaseWriter: (() => void) | undefined;
  readonly #abortWait = new AbortController();
  /** Coin selection and its commit run one at a time, so two quick accepts never pick the same UTXO. */
  #selection: Promise<unknown> = Promise.resolve();
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

  /** The signed audit log as JSON, closed by a head record signed by my identity. */
  exportAudit(now = this.#now()): Promise<string> {
    const identity = this.#o.identity();
    if (!identity) return Promise.reject(new Error('No identity yet to sign the export with: open the connection first.'));
    return this.store.exportAudit(identity, now);
  }

  /** What the engine is doing for a trade right now (`verify`, `sign`, `prepare`, …), if anything. */
  busy(id: string): string | undefined {
    return this.#busy.get(id);
  }

  /** True while another tab of this site holds this store (its trades run there; this engine waits). */
  get standby(): boolean {
    return this.#standby;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#watchTimer);
    this.#abortWait.abort();
    this.#releaseWriter?.();
  }

  // ---- commands ----------------------------------------------------------------------------------------------

  /** Proposes a trade to a connected peer: my contribution is taken from my wallet. Resolves to the trade id. */
  async propose(peer: string, options: ProposeOptions): Promise<string> {
    this.#writable();
    await this.ready;
    const host = this.#o.host();
    if (!host) throw new Error('No wallet and indexer: set the wallet and indexer properties (or provide them).');
    const peerKey = this.#o.peerKey(peer);
    if (!peerKey) throw new Error(`Peer ${peer} is not connected.`);
    const { btc, steps } = await loadBitcoin();
    const parsed = btc.parseTerms(options.terms);
    if (!parsed.ok) throw new Error(`Invalid terms: ${parsed.message}`);
    this.#writable();
    return this.#underSelection(async () => {
      const prepared = await steps.prepareContribution(btc, host, parsed.terms, options.role, this.#reserved());
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
    });
  }

  /** Accepts an incoming proposal: my contribution is taken from my wallet, then both sides verify. */
  async accept(id: string): Promise<void> {
    this.#writable();
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
      const { btc, steps } = await loadBitcoin();
      const parsed = btc.parseTerms(r.terms);
      if (!parsed.ok) {
        await this.#apply(id, { kind: 'fail', code: 'invalid-terms', message: `The terms are invalid: ${parsed.message}` });
        return;
      }
      await this.#underSelection(async () => {
        const prepared = await steps.prepareContribution(btc, host, parsed.terms, r.role, this.#reserved(id));
        if (!prepared.ok) {
          await this.#apply(id, { kind: 'fail', code: 'invalid-terms', message: `Your wallet cannot make this trade: ${prepared.message}.` });
          return;
        }
        await this.#apply(id, { kind: 'accept', contribution: prepared.contribution });
      });
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
    // Another tab of this site runs the trades of this store: it answers (the peer resumes with it).
    if (this.#standby) return;
    await this.ready;
    if (this.#closed) return;
    const key = this.#o.peerKey(from);
    if (!key) return;
    const r = this.#records.get(message.id);
    // Every numbered message must be signed by the key of the peer it came from: the audit log can prove it.
    if (message.t !== 'resume' && !(await verifyTradeMessage(key, message))) {
      console.warn(`[darkswap] trade message ${message.t} ${message.seq} from ${from} dropped: missing or bad signature`);
      return;
    }
    if (message.t === 'resume') {
      if (!r || r.peerKey !== key) return;
      if (r.peer !== from) await this.#apply(r.id, { kind: 'peer-online', online: true, peer: from });
      const current = this.#records.get(r.id)!;
      if (current.state === 'failed') {
        // A failed trade answers with an abort only: never a signature it sent before it failed.
        if (message.next < current.outbox.length) this.#trySend(from, await this.#abortAt(current, message.next));
        return;
      }
      for (const m of resendFrom(current, message.next)) this.#trySend(from, m);
      if (missesMessages(current, message)) this.#trySend(from, resumeRequest(current));
      return;
    }
    if (!r) {
      if (message.t !== 'propose') return;
      // A peer may keep only a few unanswered proposals here (each one is stored until it ends).
      const incoming = [...this.#records.values()].filter((x) => x.state === 'incoming');
      const storing = [...this.#arriving.values()].reduce((a, set) => a + set.size, 0);
      const pending = incoming.filter((x) => x.peerKey === key).length + (this.#arriving.get(key)?.size ?? 0);
      if (pending >= MAX_PENDING_PROPOSALS_PER_PEER || incoming.length + storing >= MAX_PENDING_PROPOSALS) return;
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
    await this.#apply(r.id, { kind: 'message', message, digest: messageDigest(message) });
  }

  /** The abort a failed trade answers a resume with, numbered where the peer expects my next message. */
  async #abortAt(r: TradeRecord, seq: number): Promise<TradeMessage> {
    const failure = r.failure;
    const code =
      failure?.code === 'deadline' || failure?.code === 'peer-left' ? 'deadline' : failure?.code === 'protocol-error' ? 'protocol-error' : 'cancelled';
    const abort: SequencedMessage = { v: r.v, id: r.id, seq, t: 'abort', body: { code, message: (failure?.message ?? 'the trade failed').slice(0, 300) } };
    return (await this.#sign([abort]))[0]!;
  }

  /** Signs the messages of a step (each by my identity key), in order. */
  async #sign(messages: readonly SequencedMessage[]): Promise<SequencedMessage[]> {
    const identity = this.#o.identity();
    if (!identity) throw new Error('no identity to sign trade messages with');
    return Promise.all(messages.map((m) => signTradeMessage(identity, m)));
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
    // One engine per store across the site's tabs; another tab's keeps this one in standby (nothing loaded or sent).
    const lock = await acquireWriterLock(`darkswap-trade-writer:${this.store.name}`, {
      signal: this.#abortWait.signal,
      standby: (waiting) => {
        this.#standby = waiting;
        this.#changed();
      },
    });
    this.#releaseWriter = () => lock.release();
    if (this.#closed) return lock.release();
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
    this.#startWatching();
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
      if (input.kind === 'message') {
        const m = input.message;
        void this.#audit(r, `received:${m.t}`, `seq ${m.seq} digest ${input.digest ?? messageDigest(m)} sig ${m.sig ?? 'none'} by ${r.peerKey}`);
      }
      await this.#commit(r, step);
      return step;
    });
  }

  async #commit(previous: TradeRecord | undefined, unsignedStep: TradeStep): Promise<void> {
    let step = unsignedStep;
    if (step.send.length) {
      // My messages are signed before they are saved in the outbox (a resend is the same signed message).
      let signed: SequencedMessage[];
      try {
        signed = await this.#sign(step.send);
      } catch (e) {
        this.dispatchEvent(new TradeErrorEvent(step.record.id, `The trade's messages could not be signed (${(e as Error).message}); nothing was sent.`));
        return;
      }
      const bySeq = new Map(signed.map((m) => [m.seq, m] as const));
      step = { ...step, send: signed, record: { ...step.record, outbox: step.record.outbox.map((m) => bySeq.get(m.seq) ?? m) } };
    }
    const r: TradeRecord = { ...step.record, rev: (previous?.rev ?? step.record.rev ?? 0) + 1 };
    // Unanswered proposals are never stored (a flood of them costs nothing on disk); accepting one stores it.
    const unsaved = r.state === 'incoming' || (r.state === 'failed' && this.#unsaved.has(r.id) && previous?.state === 'incoming');
    if (unsaved) {
      this.#unsaved.delete(r.id);
      this.#unsaved.add(r.id);
    } else {
      // Persist before anything is visible or sent: after a crash the outbox still holds what may have gone out,
      // and a step whose save failed sends nothing.
      const error = await this.#save(r);
      if (error) {
        this.dispatchEvent(new TradeErrorEvent(r.id, `The trade could not be saved (${error}); nothing was sent. It stays as it was.`));
        return;
      }
      this.#unsaved.delete(r.id);
    }
    // Audit entries are queued in order before the new state can be observed.
    for (const m of step.send) void this.#audit(r, `sent:${m.t}`, `seq ${m.seq} digest ${messageDigest(m)} sig ${m.sig ?? 'none'}`);
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
    if (r.state === 'settling' || (r.mySignatureOut && !previous?.mySignatureOut)) void this.#watch(r.id);
    if (step.notices.some((n) => n.kind === 'failed')) this.#maybeAutoCancel(r);
    this.#pruneUnsaved();
    this.#schedule();
    this.#changed();
  }

  /** Saves with a few tries; the error text when it could not. */
  async #save(r: TradeRecord): Promise<string | undefined> {
    let last = '';
    for (let i = 0; i < SAVE_TRIES; i++) {
      try {
        await this.store.save(r);
        return undefined;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        // A stale write (another writer saved a newer state) is not retried: this state must not win.
        if (e instanceof Error && e.name === 'StaleTradeError') break;
        await new Promise((resolve) => setTimeout(resolve, 50 * (i + 1)));
      }
    }
    console.warn('[darkswap] trade not saved:', last);
    return last;
  }

  /** Forgets the oldest finished proposals that were never accepted, beyond the cap. */
  #pruneUnsaved(): void {
    const finished = [...this.#unsaved].filter((id) => this.#records.get(id)?.state !== 'incoming');
    for (const id of finished.slice(0, Math.max(0, finished.length - MAX_UNSAVED_FINISHED))) {
      this.#unsaved.delete(id);
      this.#records.delete(id);
    }
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

  /**
   * Outpoints never offered again: my inputs in trades still in flight, and in any trade whose signature left
   * until the chain shows them spent in a block (the peer may still publish the old swap).
   */
  #reserved(except?: string): Set<string> {
    const out = new Set<string>();
    for (const r of this.#records.values()) {
      if (r.id === except || !holdsInputs(r)) continue;
      for (const o of myInputs(r)) out.add(o);
    }
    return out;
  }

  /** Coin selection and what commits it, one at a time. */
  #underSelection<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#selection.then(job, job);
    this.#selection = next.catch(() => undefined);
    return next;
  }

  #writable(): void {
    if (this.#standby) throw new Error('Trades of this site are open in another tab: finish them there (or close it).');
  }

  // ---- the chain ---------------------------------------------------------------------------------------------

  #startWatching(): void {
    clearInterval(this.#watchTimer);
    if (this.#closed) return;
    this.#watchTimer = setInterval(() => {
      for (const r of this.#records.values()) if (needsWatch(r)) void this.#watch(r.id);
    }, this.#o.chainPollMs ?? DEFAULT_CHAIN_POLL_MS);
    for (const r of this.#records.values()) if (needsWatch(r)) void this.#watch(r.id);
  }

  /** Asks the chain source about one trade's swap and my inputs, and applies what it says. */
  async #watch(id: string): Promise<void> {
    const r = this.#records.get(id);
    const chain = this.#o.host()?.chain;
    if (!r || !chain || !needsWatch(r) || this.#closed) return;
    try {
      const [swap, spends] = await Promise.all([chain.txStatus(r.myTxid!), Promise.all(swapInputs(r).map((o) => chain.spentBy(o)))]);
      await this.#apply(id, { kind: 'chain', view: { swap, spends } });
    } catch (e) {
      console.warn('[darkswap] chain source failed:', e);
    }
  }

  #maybeAutoCancel(r: TradeRecord): void {
    if (!this.#o.autoCancelOnChain?.() || !r.mySignatureOut || r.exposureCleared || r.cancelTx) return;
    if (r.failure?.code === 'replaced' || r.failure?.code === 'cancelled-on-chain') return;
    void this.cancelOnChain(r.id).catch((e: unknown) => this.dispatchEvent(new TradeErrorEvent(r.id, `Cancel on chain failed: ${(e as Error).message}`)));
  }

  /**
   * Spends my exposed inputs of a trade back to my own address, at twice the swap's fee rate and above the
   * swap's fee, so a late broadcast of the swap is refused or replaced. Built and verified before the wallet
   * is asked (`cancelThenSign`); then broadcast. Resolves to the cancel's txid.
   */
  cancelOnChain(id: string): Promise<string> {
    return this.#serialCancel(id, async () => {
      this.#writable();
      await this.ready;
      const r = this.#records.get(id);
      if (!r) throw new Error('No trade with this id.');
      if (!r.mySignatureOut) throw new Error('Your signature never left: cancel the trade instead.');
      if (r.exposureCleared) throw new Error('Your inputs are already spent in a block: there is nothing to cancel.');
      if (r.cancelTx) return r.cancelTx.txid;
      const host = this.#o.host();
      if (!host) throw new Error('No wallet and indexer to cancel with.');
      this.#setBusy(id, 'cancel-on-chain');
      try {
        const signed = await (await loadBitcoin()).steps.signCancel(r, host);
        void this.#audit(r, 'cancel-on-chain', `txid ${signed.txid} fee ${signed.fee}`);
        await this.#apply(id, { kind: 'cancelled-on-chain', txid: signed.txid, tx: signed.txHex, fee: signed.fee.toString() });
        void this.#watch(id);
        return signed.txid;
      } finally {
        this.#setBusy(id);
      }
    });
  }

  readonly #cancels = new Map<string, Promise<string>>();

  /** One cancel on chain per trade at a time (a second call gets the first one's result). */
  #serialCancel(id: string, job: () => Promise<string>): Promise<string> {
    const running = this.#cancels.get(id);
    if (running) return running;
    const p = job().finally(() => this.#cancels.delete(id));
    this.#cancels.set(id, p);
    return p;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    let next = Infinity;
    for (const r of this.#records.values()) if (!isTerminal(r.state) && r.deadline !== undefined) next = Math.min(next, r.deadline);
    if (next === Infinity) return;
    this.#timer = setTimeout(() => void this.tick(), Math.max(0, next - this.#now()) + 5);
  }

  /** An incoming proposal whose terms break the Bitcoin rules, or that does not match the order it names, is rejected at once. */
  async #screen(id: string): Promise<void> {
    const r = this.#records.get(id);
    if (!r) return;
    const { btc } = await loadBitcoin();
    // Only the terms can be checked now: the proposer's coins come after my accept (and are verified then).
    const t = btc.parseTerms(r.terms);
    const problem = t.ok ? undefined : t.message;
    if (problem) {
      await this.#apply(id, { kind: 'reject', reason: `invalid terms: ${problem}` });
      return;
    }
    const current = this.#records.get(id);
    const orderProblem = current?.orderId && current.state === 'incoming' ? this.#o.checkOrder?.(current) : undefined;
    if (orderProblem) await this.#apply(id, { kind: 'reject', reason: `the order: ${orderProblem}` });
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
      const { steps } = await loadBitcoin();
      await this.#apply(id, await steps.runEffect(r, host, effect));
    } catch (e) {
      await this.#apply(id, effectFailed(effect, e));
    } finally {
      this.#setBusy(id);
    }
  }
}
