import { expect } from '@open-wc/testing';
import { Inbox, Outbox, ReliableState } from './reliable.js';
import { TokenBucket } from './rate-limit.js';
import { BulkSender, MIN_WINDOW } from './bulk-flow.js';
import { encodeFrame, splitFrame } from './frame.js';

describe('reliable sequencing (pure)', () => {
  it('numbers from 1, keeps frames until a cumulative ack, and resends only the rest', () => {
    const out = new Outbox();
    for (let i = 0; i < 5; i++) out.push((seq) => encodeFrame('chat', `{"i":${i}}`, seq));
    expect(out.pending().map((u) => u.seq)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(out.ack(3)).to.equal(3);
    expect(out.pending().map((u) => u.seq)).to.deep.equal([4, 5]);
    expect(out.ack(2)).to.equal(0); // stale ack
    expect(out.nextSeq).to.equal(6);
  });

  it('delivers each number once and in order; flags gaps', () => {
    const inbox = new Inbox();
    expect(inbox.accept(1)).to.equal('deliver');
    expect(inbox.accept(1)).to.equal('duplicate');
    expect(inbox.accept(3)).to.equal('gap');
    expect(inbox.accept(2)).to.equal('deliver');
    expect(inbox.last).to.equal(2);
  });

  it('resumes from what the other side reports per channel', () => {
    const a = new ReliableState();
    for (const ch of ['x', 'y']) for (let i = 0; i < 3; i++) a.outbox(ch).push((s) => encodeFrame(ch, '{}', s));
    const b = new ReliableState();
    b.inbox('x').accept(1);
    b.inbox('x').accept(2);
    const resend = a.resume(b.received());
    expect(resend.map((u) => u.frame.split('\n')[0])).to.deep.equal(['x 3', 'y 1', 'y 2', 'y 3']);
    expect(a.unackedCount()).to.equal(4);
  });

  it('renumbers what is unacknowledged from 1 per channel, keeping order, payload and priority', () => {
    const state = new ReliableState();
    for (const text of ['a', 'b', 'c']) state.outbox('x').push((seq) => `x ${seq}\n{"t":"${text}"}`, 1);
    state.outbox('y').push((seq) => `y ${seq}\n{"t":"d"}`, 3);
    state.outbox('x').ack(1);
    state.inbox('x').accept(1);
    const next = state.renumbered();
    expect(next.resume({}).map((u) => [u.frame, u.priority])).to.deep.equal([
      ['x 1\n{"t":"b"}', 1],
      ['x 2\n{"t":"c"}', 1],
      ['y 1\n{"t":"d"}', 3],
    ]);
    expect(next.outbox('x').nextSeq).to.equal(3);
    expect(next.received()).to.deep.equal({});
  });

  it('parses sequence numbers and control names from frame headers, refusing anything else', () => {
    expect(splitFrame('chat 12\n{}')).to.deep.equal({ channel: 'chat', seq: 12, payload: '{}' });
    expect(splitFrame('_ack\n{}')).to.deep.equal({ channel: '_ack', payload: '{}' });
    for (const bad of ['chat 0\n{}', 'chat 01\n{}', 'chat -1\n{}', 'chat 1 2\n{}', 'Chat\n{}', '__x\n{}', 'chat 1234567890123456\n{}']) {
      expect(splitFrame(bad), bad).to.equal('malformed-frame');
    }
  });
});

describe('TokenBucket (pure)', () => {
  it('allows a burst, then the steady rate, and says how long to wait', () => {
    const bucket = new TokenBucket(100, 500, 0);
    let taken = 0;
    while (bucket.take(0)) taken++;
    expect(taken).to.equal(500);
    expect(bucket.waitMs(0)).to.equal(10);
    expect(bucket.take(10)).to.equal(true);
    expect(bucket.take(10)).to.equal(false);
    expect(bucket.available(1_000_000)).to.equal(500); // capped
    expect(bucket.waitMs(0, 501)).to.equal(Infinity);
  });
});

describe('BulkSender delay-based window (pure)', () => {
  it('grows while acknowledgements come back at the base delay and shrinks when queueing builds up', () => {
    const flow = new BulkSender(0);
    const start = flow.window;
    let now = 0;
    // Round trips at the base delay (5 ms): under target, the window grows.
    for (let i = 0; i < 20; i++) {
      flow.onSent(65_536, now);
      now += 5;
      expect(flow.onAck(65_536 * (i + 1), now)).to.equal(true);
    }
    const grown = flow.window;
    expect(grown).to.be.greaterThan(start);
    // Now each chunk takes 100 ms more: far over the 25 ms target, the window shrinks.
    let acked = 65_536 * 20;
    for (let i = 0; i < 10; i++) {
      flow.onSent(65_536, now);
      now += 105;
      acked += 65_536;
      flow.onAck(acked, now);
    }
    expect(flow.window).to.be.lessThan(grown);
    expect(flow.window).to.be.at.least(MIN_WINDOW);
  });

  it('refuses impossible acknowledgements and always lets one frame through when nothing is in flight', () => {
    const flow = new BulkSender(0);
    expect(flow.canSend(10 * 1024 * 1024)).to.equal(true);
    flow.onSent(1000, 0);
    expect(flow.onAck(2000, 1)).to.equal(false); // more than was sent
    expect(flow.onAck(500, 1)).to.equal(true);
    expect(flow.onAck(400, 2)).to.equal(false); // going back
    expect(flow.inFlight).to.equal(500);
    expect(flow.canSend(flow.window)).to.equal(false);
  });
});
