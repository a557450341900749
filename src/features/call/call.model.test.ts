// The pure call model and protocol: state transitions, end reasons, outcomes, and message validation.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { durationOf, incomingCall, outcomeOf, outgoingCall, reduce, type Call, type CallEvent } from './call.model.js';
import { CallMessageSchema, MAX_PARTICIPANTS, newCallId } from './call.protocol.js';
import { historyEntry } from './call.history.js';
import { mediaError } from './call.media.js';

const run = (call: Call, ...events: [CallEvent, number][]) => events.reduce((c, [e, t]) => reduce(c, e, t), call);

describe('call model', () => {
  it('an outgoing call: invited → ringing → accepted → active → the peer hangs up', () => {
    const c = run(
      outgoingCall('c1', true, 0),
      [{ type: 'invited', peer: 'b' }, 0],
      [{ type: 'ringing', peer: 'b' }, 100],
      [{ type: 'accepted', peer: 'b' }, 2_000],
      [{ type: 'media-ready', peer: 'b' }, 2_500],
    );
    expect(c.phase).to.equal('active');
    expect(c.answeredAt).to.equal(2_000);
    expect(c.legs[0]).to.deep.include({ peer: 'b', state: 'active' });
    const ended = reduce(c, { type: 'leg-ended', peer: 'b', reason: 'hangup' }, 62_000);
    expect(ended).to.deep.include({ phase: 'ended', reason: 'hangup', endedAt: 62_000 });
    expect(outcomeOf(ended)).to.equal('completed');
    expect(durationOf(ended, 99_999)).to.equal(60_000);
    expect(historyEntry(ended)).to.deep.include({ peers: ['b'], outcome: 'completed', durationMs: 60_000, direction: 'outgoing' });
  });

  it('unanswered outcomes: declined, busy, no-answer, cancelled; a lost call stays lost', () => {
    const invited = run(outgoingCall('c', false, 0), [{ type: 'invited', peer: 'b' }, 0]);
    for (const reason of ['declined', 'busy', 'no-answer', 'unreachable'] as const) {
      const c = reduce(invited, { type: 'leg-ended', peer: 'b', reason }, 1);
      expect(c.phase).to.equal('ended');
      expect(outcomeOf(c), reason).to.equal(reason);
    }
    expect(outcomeOf(reduce(invited, { type: 'end', reason: 'cancelled' }, 1))).to.equal('cancelled');
    const active = run(invited, [{ type: 'accepted', peer: 'b' }, 1]);
    const lost = reduce(active, { type: 'leg-ended', peer: 'b', reason: 'lost' }, 5);
    expect(lost.reason).to.equal('lost');
    expect(outcomeOf(lost)).to.equal('lost');
    expect(outcomeOf(reduce(active, { type: 'leg-ended', peer: 'b', reason: 'security' }, 5))).to.equal('security');
  });

  it('an incoming call: answered, or missed when the caller cancels; events out of order change nothing', () => {
    const ringing = incomingCall('c', 'a', true, ['x'], 0);
    expect(ringing.legs.map((l) => `${l.peer}:${l.state}`)).to.deep.equal(['a:ringing', 'x:ringing']);
    expect(reduce(ringing, { type: 'media-ready', peer: 'a' }, 1), 'no media before the answer').to.equal(ringing);
    const answered = reduce(ringing, { type: 'answer' }, 10);
    expect(answered.legs.map((l) => `${l.peer}:${l.state}`)).to.deep.equal(['a:connecting', 'x:ringing']);
    const withX = reduce(answered, { type: 'accepted', peer: 'x' }, 20);
    expect(withX.legs[1]!.state).to.equal('connecting');
    // Someone leaves a three-way call: the call goes on; when the last one leaves, it ends.
    const one = reduce(withX, { type: 'leg-ended', peer: 'a', reason: 'hangup' }, 30);
    expect(one.phase).to.equal('active');
    expect(reduce(one, { type: 'leg-ended', peer: 'x', reason: 'hangup' }, 40).phase).to.equal('ended');
    const missed = reduce(ringing, { type: 'leg-ended', peer: 'a', reason: 'cancelled' }, 5);
    expect(missed).to.deep.include({ phase: 'ended', reason: 'missed' });
    expect(outcomeOf(missed)).to.equal('missed');
    expect(reduce(missed, { type: 'answer' }, 6), 'ended is final').to.equal(missed);
    // A peer that was never invited cannot "accept" its way in; a join is how members add one.
    const solo = reduce(outgoingCall('c', true, 0), { type: 'invited', peer: 'b' }, 0);
    expect(reduce(solo, { type: 'accepted', peer: 'intruder' }, 1)).to.equal(solo);
  });

  it('validates messages: ids, peer ids, member counts, unknown fields', () => {
    const id = newCallId();
    expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(v.is(CallMessageSchema, { t: 'invite', call: id, video: true, members: ['peer-1'] })).to.equal(true);
    expect(v.is(CallMessageSchema, { t: 'invite', call: id, video: true, members: Array(MAX_PARTICIPANTS).fill('p') }), 'too many').to.equal(false);
    expect(v.is(CallMessageSchema, { t: 'invite', call: id, video: true, members: ['<img src=x>'] }), 'not a peer id').to.equal(false);
    expect(v.is(CallMessageSchema, { t: 'hangup', call: 'short' })).to.equal(false);
    expect(v.is(CallMessageSchema, { t: 'hangup', call: id, extra: 1 })).to.equal(false);
    expect(v.is(CallMessageSchema, { t: 'reject', call: id, reason: 'rude' })).to.equal(false);
  });

  it('says what went wrong with the camera or microphone in plain words', () => {
    const err = (name: string) => Object.assign(new Error('x'), { name });
    expect(mediaError(err('NotAllowedError')).kind).to.equal('denied');
    expect(mediaError(err('NotAllowedError')).message).to.match(/blocked.*site settings/);
    expect(mediaError(err('NotFoundError')).kind).to.equal('not-found');
    expect(mediaError(err('OverconstrainedError')).kind).to.equal('not-found');
    expect(mediaError(err('NotReadableError')).message).to.match(/in use by another app/);
    expect(mediaError(new TypeError('no')).kind).to.equal('insecure');
    expect(mediaError(err('NotAllowedError'), 'screen').message).to.equal('Screen sharing was not allowed.');
  });
});
