// The chat wire protocol: canonical encoding and ids, real Ed25519 signatures (an altered item or another
// author's key fails), group ids bound to their creator, direct-conversation ids, item checks with their reject
// reasons, channel message shapes and paging; and the pure digest sync bringing two groups to the same state.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { createIdentity } from '../../core/identity.js';
import {
  canonicalItem,
  ChatMessageSchema,
  decodeItem,
  dmIdFor,
  groupIdFor,
  ITEMS_PAGE_BYTES,
  itemBytes,
  itemPages,
  MAX_TEXT,
  parseItem,
  shortId,
  signItem,
  verifyItem,
  type ChatMessage,
  type ItemWire,
} from './chat.protocol.js';
import { ChatGroup } from './chat.model.js';
import { bucketOf, differingBuckets, digestOf, idsInBuckets, missingIds } from './chat.sync.js';
import { create, groupOf, invite, join, key, msg } from './chat.fixtures.js';
import { BUCKET_MS } from './chat.protocol.js';

describe('chat protocol', () => {
  it('signs and verifies; the id is the hash of the canonical text; an altered item or another key fails', async () => {
    const alice = await createIdentity();
    const mallory = await createIdentity();
    const g = groupIdFor(alice.publicKey, 'cd'.repeat(16));
    const item = await signItem(alice, { v: 1, k: 'msg', g, a: alice.publicKey, t: 1_700_000_000_000, c: 3, text: 'hello\n<b>world</b>', n: 'Alice' });
    expect(canonicalItem(item.wire)).to.equal(
      `{"v":1,"k":"msg","g":"${g}","a":"${alice.publicKey}","t":1700000000000,"c":3,"text":"hello\\n<b>world</b>","n":"Alice"}`,
    );
    expect(item.id).to.match(/^[0-9a-f]{64}$/);
    expect(await verifyItem(item)).to.equal(true);
    const altered = decodeItem({ ...item.wire, text: 'hello world' } as ItemWire);
    expect(altered.id).to.not.equal(item.id);
    expect(await verifyItem(altered), 'text changed on the way').to.equal(false);
    const stolen = decodeItem({ ...item.wire, a: mallory.publicKey } as ItemWire);
    expect(await verifyItem(stolen), 'another author key').to.equal(false);
    // Signed by Mallory in Alice's name: signItem refuses, and a hand-made one does not verify.
    let refused = false;
    await signItem(mallory, { ...item.wire, s: undefined } as never).catch(() => (refused = true));
    expect(refused).to.equal(true);
    // Key order on the wire does not matter: the canonical text does.
    const wire = item.wire as Record<string, unknown>;
    const reordered = Object.fromEntries(
      Object.keys(wire)
        .reverse()
        .map((k) => [k, wire[k]]),
    );
    const parsed = parseItem(reordered);
    expect(parsed.ok && parsed.item.id).to.equal(item.id);
  });

  it('binds group ids to the creator and nonce; direct ids are the same from both sides', async () => {
    const a = key(1);
    const b = key(2);
    expect(groupIdFor(a, 'ab'.repeat(16))).to.not.equal(groupIdFor(b, 'ab'.repeat(16)));
    expect(dmIdFor(a, b)).to.equal(dmIdFor(b, a));
    expect(dmIdFor(a, b)).to.match(/^[0-9a-f]{32}$/);
    const hijack = { ...create(a, 1).wire, a: b }; // B writes a create op for A's group
    expect(parseItem(hijack)).to.deep.include({ ok: false, reason: 'bad-group' });
  });

  it('refuses malformed items with reasons: too long, control characters, extra fields, self-addressed', () => {
    const base = msg(groupOf(key(1)), key(1), 100).wire;
    expect(parseItem({ ...base, text: 'x'.repeat(MAX_TEXT + 1) })).to.deep.include({ ok: false, reason: 'too-long' });
    expect(parseItem({ ...base, text: 'x'.repeat(MAX_TEXT) }).ok).to.equal(true);
    expect(parseItem({ ...base, text: 'bell\u0007' })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem({ ...base, text: '   ' })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem({ ...base, extra: 1 })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem({ ...base, n: ' padded' })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem({ ...base, t: Date.now() + 0.5 })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem({ v: 1, k: 'dm', to: key(1), a: key(1), t: 1, c: 0, text: 'me', s: base.s })).to.deep.include({ ok: false, reason: 'malformed' });
    expect(parseItem(null)).to.deep.include({ ok: false, reason: 'malformed' });
  });

  it('validates channel messages and pages items under the size limit', () => {
    expect(v.is(ChatMessageSchema, { t: 'hello', re: false })).to.equal(true);
    expect(v.is(ChatMessageSchema, { t: 'items', hop: 9, re: false, items: [{ k: 'msg' }] }), 'hop limit').to.equal(false);
    expect(v.is(ChatMessageSchema, { t: 'have', g: 'ab'.repeat(16), b: 1, ids: 'xyz' })).to.equal(false);
    const g = groupOf(key(1));
    const big = Array.from({ length: 200 }, (_, i) => msg(g, key(1), i, 'é'.repeat(MAX_TEXT)).wire);
    const pages = itemPages(big);
    expect(pages.length).to.be.above(1);
    for (const page of pages) expect(page.reduce((n, w) => n + itemBytes(w) + 1, 0)).to.be.at.most(ITEMS_PAGE_BYTES);
    expect(pages.flat()).to.have.length(200);
  });
});

describe('chat digest sync', () => {
  const A = key(0xa1);
  const B = key(0xb2);
  const G = groupOf(A);
  const ops = [create(A, 100), invite(G, A, B, 110), join(G, B, 120)];
  const group = (messages: ChatMessage[]) => {
    const g = new ChatGroup(G);
    g.addOps(ops);
    for (const m of messages) g.addMessage(m);
    return g;
  };

  it('equal sets give equal digests; a difference shows only in its bucket', () => {
    const t0 = 50 * BUCKET_MS;
    const shared = Array.from({ length: 300 }, (_, i) => msg(G, i % 2 ? A : B, t0 + i * 60_000));
    const extra = msg(G, B, t0 + 5 * BUCKET_MS + 1);
    const one = group(shared);
    const two = group([...shared].reverse());
    expect(digestOf(one)).to.deep.equal(digestOf(two));
    two.addMessage(extra);
    const [d1, d2] = [digestOf(one), digestOf(two)];
    expect(d1.ops).to.equal(d2.ops);
    expect(d1.root).to.not.equal(d2.root);
    const differ = differingBuckets(
      d1.buckets,
      d2.buckets.map((b) => [b.bucket, b.count, b.hash]),
    );
    expect(differ).to.deep.equal([bucketOf(extra.t)]);
  });

  it('buckets → have → get brings both sides to the same messages', () => {
    const t0 = 10 * BUCKET_MS;
    const all = Array.from({ length: 120 }, (_, i) => msg(G, i % 3 ? A : B, t0 + i * 200_000));
    const left = group(all.filter((_, i) => i % 4 !== 0));
    const right = group(all.filter((_, i) => i % 5 !== 0 || i % 4 === 0));
    for (const [from, to] of [
      [left, right],
      [right, left],
    ] as const) {
      // `to` sends its buckets; `from` offers its ids in the differing ones; `to` asks for what it lacks.
      const differ = differingBuckets(
        digestOf(from).buckets,
        digestOf(to).buckets.map((b) => [b.bucket, b.count, b.hash]),
      );
      const offered = [...idsInBuckets(from.messages, differ).values()].flat();
      const wanted = missingIds(offered, (s) => !!to.byShortId(s));
      for (const s of wanted) to.addMessage(from.byShortId(s)!);
    }
    expect(left.messages.map((m) => m.id)).to.deep.equal(all.map((m) => m.id));
    expect(digestOf(left).root).to.equal(digestOf(right).root);
    expect(shortId(all[0]!.id)).to.have.length(24);
  });
});
