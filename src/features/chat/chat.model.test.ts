// The pure chat model: membership from signed ops (leave beats an older join, a re-join needs a newer join, ops
// that do not fit have no effect, any arrival order gives the same result), message order by (t, c, id),
// messages of non-members, the cap, unread counts, and how authors are shown (names never decide trust).
import { expect } from '@open-wc/testing';
import { authorOf, ChatGroup, claimsContactName, fingerprint, membershipOf, nameKey } from './chat.model.js';
import { create, dm, groupOf, invite, join, key, leave, msg } from './chat.fixtures.js';
import type { ChatItem } from './chat.protocol.js';

const A = key(0xa1);
const B = key(0xb2);
const C = key(0xc3);
const G = groupOf(A);

/** Every order of a small list (for "any order gives the same state"). */
function permutations<T>(list: T[]): T[][] {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

function feed(group: ChatGroup, items: ChatItem[]): void {
  // What the engine does: ops that do not fit yet wait and are retried when another op arrives.
  let waiting: ChatItem[] = [];
  for (const item of items) {
    if (item.kind === 'op') {
      if (group.addOp(item).result === 'no-effect') waiting.push(item);
      let progress = true;
      while (progress) {
        progress = false;
        waiting = waiting.filter((w) => {
          if (w.kind !== 'op') return !group.memberAt(w.a, w.sk) || group.addMessage(w).result !== 'added';
          const r = group.addOp(w).result;
          if (r === 'added') progress = true;
          return r === 'no-effect';
        });
      }
    } else if (group.addMessage(item).result === 'not-member') waiting.push(item);
  }
}

describe('chat model: membership', () => {
  it('create, invite, join, leave: statuses and member intervals', () => {
    const m = membershipOf(G, [create(A, 100, 'Friends'), invite(G, A, B, 110), join(G, B, 120), leave(G, B, 150)]);
    expect(m.valid).to.equal(true);
    expect(m.name).to.equal('Friends');
    expect(m.creator).to.equal(A);
    expect(m.members.get(A)?.status).to.equal('member');
    expect(m.members.get(B)).to.deep.include({ status: 'left', invitedBy: A });
    const g = new ChatGroup(G);
    g.addOps([create(A, 100), invite(G, A, B, 110), join(G, B, 120), leave(G, B, 150)]);
    expect(g.memberAt(B, msg(G, B, 130).sk)).to.equal(true);
    expect(g.memberAt(B, msg(G, B, 115).sk), 'invited is not yet a member').to.equal(false);
    expect(g.memberAt(B, msg(G, B, 160).sk), 'after the leave').to.equal(false);
  });

  it('a leave beats every older join: a sync that brings the old join back changes nothing; a newer join re-joins', () => {
    const ops = [create(A, 100), invite(G, A, B, 110), join(G, B, 120), leave(G, B, 200)];
    for (const order of permutations(ops)) {
      const g = new ChatGroup(G);
      feed(g, order);
      expect(g.status(B), order.map((o) => o.op).join(',')).to.equal('left');
    }
    const g = new ChatGroup(G);
    feed(g, ops);
    expect(g.addOp(join(G, B, 120)).result, 'the old join again').to.equal('duplicate');
    expect(g.addOp(join(G, B, 190)).result, 'a join older than the leave has no effect').to.equal('no-effect');
    expect(g.status(B)).to.equal('left');
    expect(g.addOp(join(G, B, 250)).result).to.equal('added');
    expect(g.status(B)).to.equal('member');
  });

  it('ops that do not fit have no effect: an invite by a non-member, a join without an invite, a second create, ops before the create', () => {
    const g = new ChatGroup(G);
    expect(g.addOp(join(G, B, 50)).result, 'no group yet').to.equal('no-effect');
    g.addOp(create(A, 100));
    expect(g.addOp(invite(G, C, B, 110)).result, 'C is no member').to.equal('no-effect');
    expect(g.addOp(join(G, B, 120)).result, 'B was not invited').to.equal('no-effect');
    expect(g.addOp(create(A, 130, 'Renamed')).result, 'one create per group').to.equal('no-effect');
    expect(g.addOp(invite(G, A, B, 90)).result, 'before the group existed').to.equal('no-effect');
    expect(g.name).to.equal('Group');
    expect([...g.ops.keys()]).to.have.length(1);
    // A create op of another group never enters.
    expect(g.addOp(create(B, 100)).result).to.equal('no-effect');
  });

  it('concurrent join and leave at the same time are ordered by id, the same everywhere', () => {
    const ops = [create(A, 100), invite(G, A, B, 110), join(G, B, 120), join(G, B, 300), leave(G, B, 300)];
    const results = permutations(ops).map((order) => {
      const g = new ChatGroup(G);
      feed(g, order);
      return g.status(B);
    });
    expect(new Set(results).size).to.equal(1);
  });
});

describe('chat model: messages', () => {
  const ops = [create(A, 100), invite(G, A, B, 110), join(G, B, 120)];

  it('orders by (t, c, id) whatever the arrival order, and drops duplicates', () => {
    const list = [msg(G, A, 200, 'x'), msg(G, B, 200, 'y'), msg(G, A, 150), msg(G, B, 200, 'z', 1), msg(G, A, 130)];
    const orders = permutations(list).slice(0, 30);
    const seen = new Set<string>();
    for (const order of orders) {
      const g = new ChatGroup(G);
      g.addOps(ops);
      for (const m of order) g.addMessage(m);
      for (const m of order) expect(g.addMessage(m).result).to.equal('duplicate');
      seen.add(g.messages.map((m) => m.id).join());
      const keys = g.messages.map((m) => [m.t, m.c, m.id].join(':'));
      expect(g.messages.map((m) => m.sk)).to.deep.equal([...g.messages.map((m) => m.sk)].sort());
      expect(keys[0]!.startsWith('130:0:')).to.equal(true);
    }
    expect(seen.size, 'one order').to.equal(1);
  });

  it('refuses messages of non-members and drops those a late leave makes invalid', () => {
    const g = new ChatGroup(G);
    g.addOps(ops);
    expect(g.addMessage(msg(G, C, 200)).result).to.equal('not-member');
    expect(g.addMessage(msg(G, B, 115)).result, 'invited, not joined yet').to.equal('not-member');
    expect(g.addMessage(msg(G, B, 400)).result).to.equal('added');
    expect(g.addMessage(msg(G, B, 500)).result).to.equal('added');
    // B's leave at 450 arrives late: the message at 500 was never valid.
    const r = g.addOp(leave(G, B, 450));
    expect(r.dropped.map((m) => m.t)).to.deep.equal([500]);
    expect(g.messages.map((m) => m.t)).to.deep.equal([400]);
  });

  it('keeps the newest `cap` messages and refuses older ones once full', () => {
    const g = new ChatGroup(G, { cap: 3 });
    g.addOps(ops);
    for (const t of [200, 300, 400]) g.addMessage(msg(G, A, t));
    const r = g.addMessage(msg(G, A, 500));
    expect(r.dropped.map((m) => m.t)).to.deep.equal([200]);
    expect(g.messages.map((m) => m.t)).to.deep.equal([300, 400, 500]);
    expect(g.addMessage(msg(G, A, 250)).result).to.equal('too-old');
    expect(g.horizon).to.equal(g.messages[0]!.sk);
  });

  it('counts unread messages by others after the last read', () => {
    const g = new ChatGroup(G);
    g.addOps(ops);
    const first = msg(G, B, 200);
    for (const m of [first, msg(G, A, 210), msg(G, B, 220), msg(G, B, 230)]) g.addMessage(m);
    expect(g.unreadAfter(undefined, A)).to.equal(3);
    expect(g.unreadAfter(first.sk, A)).to.equal(2);
    expect(g.unreadAfter(g.last!.sk, A)).to.equal(0);
  });

  it('a direct conversation has its two members and no ops', () => {
    const d = dm(A, B, 100);
    const g = new ChatGroup(d.g, { dm: [B, A] });
    expect(g.kind).to.equal('dm');
    expect(g.addMessage(d).result).to.equal('added');
    expect(g.addMessage(dm(B, A, 110)).result).to.equal('added');
    expect(g.addMessage(dm(A, C, 120)).result, 'another conversation').to.equal('not-member');
    expect(g.members().map((m) => m.key)).to.have.members([A, B]);
    expect(g.addOp(create(A, 1)).result).to.equal('no-effect');
  });
});

describe('chat model: authors', () => {
  const names = new Map([[B, 'Bob']]);

  it('a contact by the page’s name; anyone else by the name it claims with its fingerprint; me as You', () => {
    expect(authorOf(A, 'Alice', A, names)).to.deep.include({ label: 'You', trusted: true, me: true });
    expect(authorOf(B, 'whatever', A, names)).to.deep.include({ label: 'Bob', trusted: true });
    expect(authorOf(C, 'Carol', A, names)).to.deep.include({ label: 'Carol', trusted: false, fingerprint: fingerprint(C) });
    expect(authorOf(C, undefined, A, names)).to.deep.include({ label: fingerprint(C), trusted: false });
  });

  it('a claimed name that looks like a contact’s (or “You”) is refused: only the fingerprint shows', () => {
    for (const claim of ['Bob', 'bob', ' B o b ', 'Ｂｏｂ', 'B\u200bob', 'You', 'b.o.b']) {
      expect(claimsContactName(C, claim, names), claim).to.equal(true);
      expect(authorOf(C, claim, A, names)).to.deep.include({ label: fingerprint(C), impostor: true, trusted: false });
    }
    expect(claimsContactName(B, 'Bob', names), 'the contact itself').to.equal(false);
    expect(claimsContactName(C, 'Bobby', names)).to.equal(false);
    expect(nameKey('Ａlice  Ö')).to.equal('aliceö');
  });
});
