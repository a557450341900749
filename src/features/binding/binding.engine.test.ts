// The binding engine on real services (real PeerServer, real WebRTC, a MemoryWallet that signs BIP-322 for real):
// A proves a wallet → B holds and shows the address; a binding made before a peer linked reaches it on link;
// clear() withdraws it; forged bindings (for another key, a tampered address, another network, a replay of A's
// binding by C, too old, from the future, a flood) are refused, counted and never shown.
import { expect } from '@open-wc/testing';
import * as v from 'valibot';
import { destroyServices, linkedPair as pairOf, openService, waitFor } from '../../../test/harness.js';
import { createIdentity } from '../../core/identity.js';
import type { ConnectionService } from '../../core/connection-service.js';
import { MemoryWallet } from '../../bitcoin/memory-wallet.js';
import { bindIdentity, type IdentityBinding } from '../../bitcoin/wallets/bip322.js';
import { BINDING_BURST, BINDING_CHANNEL, BindingEngine } from './binding.engine.js';

/** Services of one page share its stored identity by default: each of these has its own key. */
const service = async () => openService({ identity: await createIdentity() });
const linkedPair = async () => pairOf({ identity: await createIdentity() }, { identity: await createIdentity() });

describe('binding engine', () => {
  const engines: BindingEngine[] = [];
  const engine = (s: ConnectionService) => {
    const e = new BindingEngine(s, { network: 'regtest' });
    engines.push(e);
    return e;
  };
  /** A raw sender on the binding channel (a peer running no engine, or a forger). */
  const raw = (s: ConnectionService) => s.channel<unknown>(BINDING_CHANNEL, { schema: v.unknown(), maxBytes: 2048 });
  const wallet = new MemoryWallet('binding-a');
  const refused = (e: BindingEngine, peer: string, total: number) => waitFor(() => e.rejectsFrom(peer).total >= total, 10_000, 'a refusal');

  afterEach(() => {
    for (const e of engines.splice(0)) e.dispose();
    destroyServices();
  });

  it('sends my binding to a linked peer, which verifies it against the link key', async () => {
    const [a, b] = await linkedPair();
    const ea = engine(a);
    const eb = engine(b);
    const binding = await ea.bind(wallet);
    expect(binding.identity).to.equal(a.publicKey);
    expect(binding.address).to.equal(wallet.address('p2wpkh'));
    await waitFor(() => !!eb.bindingOf(a.id!), 10_000, 'the binding at B');
    expect(eb.bindingOf(a.id!)).to.include({ address: wallet.address('p2wpkh'), network: 'regtest', identity: a.publicKey });
    expect(eb.rejects.total).to.equal(0);
    // Withdrawn: B stops showing it.
    ea.clear();
    await waitFor(() => !eb.bindingOf(a.id!), 10_000, 'the withdrawal at B');
  });

  it('a binding made before a peer linked reaches it when it links', async () => {
    const [a, b] = await Promise.all([service(), service()]);
    const ea = engine(a);
    const eb = engine(b);
    await ea.bind(wallet, wallet.address('p2tr'));
    expect(eb.bindingOf(a.id!)).to.equal(undefined);
    await b.connect(a.id!);
    await waitFor(() => eb.bindingOf(a.id!)?.address === wallet.address('p2tr'), 10_000, 'the binding after linking');
  });

  it('refuses a binding of another identity key, a tampered address, another network, too old or future', async () => {
    const [a, b] = await linkedPair();
    const eb = engine(b);
    const send = raw(a);
    const good = await bindIdentity(wallet, { identity: a.publicKey!, address: wallet.address('p2wpkh') });
    const other = await service();
    const cases: [string, IdentityBinding][] = [
      ['identity', await bindIdentity(wallet, { identity: other.publicKey!, address: wallet.address('p2wpkh') })],
      ['signature', { ...good, address: wallet.address('p2tr') }],
      [
        'network',
        await bindIdentity(new MemoryWallet('binding-a', { network: 'signet' }), {
          identity: a.publicKey!,
          address: new MemoryWallet('binding-a', { network: 'signet' }).address('p2wpkh'),
        }),
      ],
      ['stale', await bindIdentity(wallet, { identity: a.publicKey!, address: wallet.address('p2wpkh'), now: Date.now() - 31 * 86_400_000 })],
      ['future', await bindIdentity(wallet, { identity: a.publicKey!, address: wallet.address('p2wpkh'), now: Date.now() + 3_600_000 })],
    ];
    // Within the burst; the rate limit is its own case.
    expect(cases.length).to.be.at.most(BINDING_BURST + 1);
    let n = 0;
    for (const [reason, binding] of cases.slice(0, BINDING_BURST)) {
      send.send(b.id!, { t: 'bind', binding });
      await refused(eb, a.id!, ++n);
      expect(eb.rejectsFrom(a.id!).byReason[reason as 'identity'], reason).to.equal(1);
      expect(eb.bindingOf(a.id!), reason).to.equal(undefined);
    }
    // The fifth is over the burst: refused for the rate before any check.
    send.send(b.id!, { t: 'bind', binding: cases[4]![1] });
    await refused(eb, a.id!, ++n);
    expect(eb.rejectsFrom(a.id!).byReason.rate).to.equal(1);
    expect(eb.rejectsFrom(a.id!).byReason.future).to.equal(undefined);
    expect(eb.bindingOf(a.id!)).to.equal(undefined);
    expect(eb.rejects.total).to.equal(n);
  });

  it('refuses A\u2019s binding replayed by C (C\u2019s link key differs)', async () => {
    const [a, b] = await linkedPair();
    const c = await service();
    await c.connect(b.id!);
    await waitFor(() => b.peers.includes(c.id!), 10_000, 'C linked');
    const ea = engine(a);
    const eb = engine(b);
    const binding = await ea.bind(wallet);
    await waitFor(() => !!eb.bindingOf(a.id!), 10_000, 'A’s binding at B');
    raw(c).send(b.id!, { t: 'bind', binding });
    await refused(eb, c.id!, 1);
    expect(eb.rejectsFrom(c.id!).byReason.identity).to.equal(1);
    expect(eb.bindingOf(c.id!)).to.equal(undefined);
    // A's own stays.
    expect(eb.bindingOf(a.id!)?.address).to.equal(wallet.address('p2wpkh'));
  });

  it('holds a binding for another network unshown until the network is set to it', async () => {
    const [a, b] = await linkedPair();
    const ea = engine(a);
    const eb = engine(b);
    eb.network = 'mainnet';
    await ea.bind(wallet);
    await refused(eb, a.id!, 1);
    expect(eb.rejectsFrom(a.id!).byReason.network).to.equal(1);
    expect(eb.bindingOf(a.id!)).to.equal(undefined);
    eb.network = 'regtest';
    await eb.settled();
    expect(eb.bindingOf(a.id!)?.address).to.equal(wallet.address('p2wpkh'));
  });

  it('setBinding refuses a binding of another key and the schema refuses junk', async () => {
    const [a, b] = await linkedPair();
    const ea = engine(a);
    const eb = engine(b);
    const foreign = await bindIdentity(wallet, { identity: b.publicKey!, address: wallet.address('p2wpkh') });
    let error: unknown;
    await ea.setBinding(foreign).catch((e: unknown) => (error = e));
    expect(String(error)).to.contain('another identity key');
    expect(ea.mine).to.equal(undefined);
    const before = b.rejects(a.id!).total;
    raw(a).send(b.id!, { t: 'bind', binding: { v: 1, identity: 'x', address: 'bcrt1q', network: 'regtest', issued: 'now', signature: '!' } });
    await waitFor(() => b.rejects(a.id!).total > before, 10_000, 'the schema refusal');
    expect(eb.bindingOf(a.id!)).to.equal(undefined);
  });
});
