/**
 * Building one step of the trade state machine: a copy of the record with its changes, the messages to send
 * (appended to the outbox), the effects to run and the notices for the host. Used by `trade.protocol.ts` and
 * `trade.settlement.ts`; pure.
 */
import { STATE_STEP, TRADE_PROTOCOL_VERSION, type AbortCode, type DeadlineStep, type TradeFailure, type TradeState } from './trade.types.js';
import type { MessageBody, SequencedMessage } from './trade.messages.js';
import { isTerminal, type TradeEffect, type TradeNotice, type TradeRecord, type TradeStep } from './trade.record.js';

export const noStep = (record: TradeRecord, ignored: string): TradeStep => ({ record, send: [], effects: [], notices: [], ignored });

export class Builder {
  record: TradeRecord;
  readonly send: SequencedMessage[] = [];
  readonly effects: TradeEffect[] = [];
  readonly notices: TradeNotice[] = [];
  constructor(
    record: TradeRecord,
    readonly now: number,
  ) {
    this.record = { ...record, updatedAt: now };
  }
  set(change: Partial<TradeRecord>): this {
    this.record = { ...this.record, ...change };
    return this;
  }
  /** Moves to `state`; the deadline restarts when the step changes (or when `restart` says so). */
  to(state: TradeState, restart = false): this {
    const step = isTerminal(state) ? undefined : (STATE_STEP as Partial<Record<TradeState, DeadlineStep>>)[state];
    const same = !restart && step !== undefined && step === this.record.step && this.record.deadline !== undefined;
    let deadline = step === undefined ? undefined : same ? this.record.deadline : this.now + this.record.deadlines[step];
    // The buyer never signs or completes past the seller's own deadline (after it, the seller may cancel on chain).
    const cap = this.record.peerUntil;
    if (deadline !== undefined && cap !== undefined && this.record.role === 'buyer' && (step === 'sign' || step === 'complete'))
      deadline = Math.min(deadline, cap);
    return this.set({ state, step, deadline });
  }
  message<T extends SequencedMessage['t']>(t: T, body: MessageBody<T>): this {
    const seq = this.record.outbox.length;
    const msg = { v: TRADE_PROTOCOL_VERSION, id: this.record.id, seq, t, body } as unknown as SequencedMessage;
    this.send.push(msg);
    return this.set({ outbox: [...this.record.outbox, msg] });
  }
  effect(e: TradeEffect): this {
    this.effects.push(e);
    return this;
  }
  notice(kind: TradeNotice['kind']): this {
    this.notices.push({ kind });
    return this;
  }
  fail(failure: TradeFailure, abort?: { code: AbortCode; message: string }): this {
    if (abort) this.message('abort', abort);
    return this.to('failed').set({ failure }).notice('failed');
  }
  done(): TradeStep {
    return { record: this.record, send: this.send, effects: this.effects, notices: this.notices };
  }
}
