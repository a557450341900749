import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { appendLog, DEMO_MAX_BYTES, DemoMessageSchema, peerIdProblem, peerStateLabel, setPeerState, textProblem } from './demo.model.js';
import { MAX_TEXT_LENGTH, type LogEntry } from './demo.types.js';

const entry = (seq: number): LogEntry => ({ seq, peer: 'p', text: `m${seq}`, direction: 'in', at: seq });

describe('demo model', () => {
  it('keeps the newest entries when the log is full, without mutating the old log', () => {
    let log: LogEntry[] = [];
    for (let i = 1; i <= 5; i++) log = appendLog(log, entry(i), 3);
    expect(log.map((e) => e.seq)).to.deep.equal([3, 4, 5]);
    const before = [...log];
    appendLog(log, entry(6), 3);
    expect(log).to.deep.equal(before);
  });

  it('explains bad peer ids', () => {
    expect(peerIdProblem('  ', 'me')).to.match(/Enter the peer id/);
    expect(peerIdProblem('a b<script>', 'me')).to.match(/letters, digits/);
    expect(peerIdProblem('me', 'me')).to.match(/your own peer id/);
    expect(peerIdProblem(' friend-1 ', 'me')).to.equal(undefined);
    expect(peerIdProblem('x'.repeat(65), 'me')).to.match(/at most 64/);
  });

  it('explains why a message cannot be sent', () => {
    expect(textProblem('', 1)).to.match(/Type a message/);
    expect(textProblem('hi', 0)).to.match(/Connect to a peer/);
    expect(textProblem('x'.repeat(MAX_TEXT_LENGTH + 1), 1)).to.match(/limited/);
    expect(textProblem('hi', 2)).to.equal(undefined);
  });

  it('accepts only {text} of 1..2000 characters on the wire, and the byte cap fits the longest one', () => {
    expect(v.safeParse(DemoMessageSchema, { text: 'hi' }).success).to.equal(true);
    expect(v.safeParse(DemoMessageSchema, { text: '' }).success).to.equal(false);
    expect(v.safeParse(DemoMessageSchema, { text: 'hi', html: '<b>' }).success).to.equal(false);
    expect(v.safeParse(DemoMessageSchema, { text: 7 }).success).to.equal(false);
    expect(v.safeParse(DemoMessageSchema, { text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }).success).to.equal(false);
    const longest = JSON.stringify({ text: '€'.repeat(MAX_TEXT_LENGTH) });
    expect(new TextEncoder().encode(longest).length).to.be.at.most(DEMO_MAX_BYTES);
  });

  it('tracks per-peer state immutably and labels it in words', () => {
    const a = setPeerState(new Map(), 'p1', 'connecting');
    const b = setPeerState(a, 'p1', 'failed', 'no such peer');
    expect(a.get('p1')!.state).to.equal('connecting');
    expect(peerStateLabel(b.get('p1')!)).to.equal('Failed: no such peer');
    expect(peerStateLabel({ state: 'open' })).to.equal('Connected');
  });
});
