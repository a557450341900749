/**
 * The three browser-wallet adapters against fake providers that follow each wallet's documented API and
 * really sign (a MemoryWallet's keys): a real swap goes through verify-then-sign with the adapter as one side's
 * wallet and the ledger accepts it; then every way a wallet can fail — declined, locked, no permission, another
 * network, not installed, never answering, answering nonsense, or returning a PSBT with a changed output, a
 * changed input, an extra input, an extra signature, the wrong sighash or no signature — ends in a typed
 * `WalletError` (and in verify-then-sign's own code), never in a signature the kit did not verify.
 */
import { expect } from '@open-wc/testing';
import { Transaction } from '@scure/btc-signer';
import { fromBase64 } from '../../core/bytes.js';
import { fromHex } from '../bytes.js';
import { finalizeSwap, prevoutsFrom } from '../finalize.js';
import { MemoryWallet } from '../memory-wallet.js';
import { PARSE_TX_OPTS } from '../psbt-build.js';
import { createSwapScenario, type SwapScenario } from '../swap-scenario.js';
import type { SwapRole } from '../terms.js';
import { verifyThenSign, type SignFailure, type SignSuccess } from '../verify-then-sign.js';
import type { BitcoinNetwork } from '../wire.js';
import { fakeLeather, fakeUnisat, fakeXverse, type FakeMode, type FakeProvider } from './fake-providers.fixtures.js';
import { LeatherWallet } from './leather.js';
import type { BrowserWallet } from './providers.js';
import { UnisatWallet } from './unisat.js';
import { isWalletError, type WalletErrorCode } from './wallet-error.js';
import { XverseWallet } from './xverse.js';
import { bindIdentity, verifyIdentityBinding } from './bip322.js';

interface Kind {
  readonly id: 'xverse' | 'unisat' | 'leather';
  fake(wallet: MemoryWallet, type: 'p2wpkh' | 'p2tr'): FakeProvider;
  adapter(win: object, network: BitcoinNetwork, timeoutMs?: number): BrowserWallet;
  /** The PSBT bytes and sign request the wallet received, from its recorded call. */
  signCall(f: FakeProvider): { psbt: Uint8Array; indexes: number[]; detail: unknown };
  /** Fake modes this wallet's API can express for connect. */
  readonly connectErrors: readonly [FakeMode, WalletErrorCode][];
}

let seeds = 0;
const uniqueIdentity = (p: string) => `${p}-${Date.now()}-${seeds++}`;
const lastSign = (f: FakeProvider) => f.calls.filter((c) => c.method === 'signPsbt').at(-1)!.params as Record<string, unknown>;

const KINDS: readonly Kind[] = [
  {
    id: 'xverse',
    fake: (w) => fakeXverse(w),
    adapter: (win, network, timeoutMs) => new XverseWallet({ network, win, ...(timeoutMs ? { timeoutMs } : {}) }),
    signCall: (f) => {
      const p = lastSign(f) as { psbt: string; signInputs: Record<string, number[]>; broadcast: boolean };
      return { psbt: fromBase64(p.psbt), indexes: Object.values(p.signInputs).flat(), detail: { signInputs: p.signInputs, broadcast: p.broadcast } };
    },
    connectErrors: [
      ['reject', 'rejected'],
      ['locked', 'locked'],
      ['not-connected', 'not-connected'],
      ['not-rpc', 'malformed'],
    ],
  },
  {
    id: 'unisat',
    fake: (w, type) => fakeUnisat(w, type),
    adapter: (win, network, timeoutMs) => new UnisatWallet({ network, win, ...(timeoutMs ? { timeoutMs } : {}) }),
    signCall: (f) => {
      const p = lastSign(f) as { hex: string; options: { autoFinalized: boolean; toSignInputs: { index: number }[] } };
      return { psbt: fromHex(p.hex), indexes: p.options.toSignInputs.map((i) => i.index), detail: p.options };
    },
    connectErrors: [
      ['reject', 'rejected'],
      ['locked', 'locked'],
      ['not-rpc', 'malformed'],
    ],
  },
  {
    id: 'leather',
    fake: (w) => fakeLeather(w),
    adapter: (win, network, timeoutMs) => new LeatherWallet({ network, win, ...(timeoutMs ? { timeoutMs } : {}) }),
    signCall: (f) => {
      const p = lastSign(f) as { hex: string; signAtIndex: number[]; allowedSighash: number[]; network: string; broadcast: boolean };
      return {
        psbt: fromHex(p.hex),
        indexes: p.signAtIndex,
        detail: { signAtIndex: p.signAtIndex, allowedSighash: p.allowedSighash, network: p.network, broadcast: p.broadcast },
      };
    },
    connectErrors: [
      ['reject', 'rejected'],
      ['locked', 'locked'],
      ['not-connected', 'not-connected'],
      ['not-rpc', 'malformed'],
    ],
  },
];

/** What a call rejected with: it must be a WalletError. */
async function failure(p: Promise<unknown>): Promise<{ code: WalletErrorCode; message: string; check: string | undefined }> {
  try {
    await p;
  } catch (e) {
    expect(isWalletError(e), `a WalletError, not ${String(e)}`).to.equal(true);
    const w = e as { code: WalletErrorCode; message: string; check: string | undefined };
    return { code: w.code, message: w.message, check: w.check };
  }
  throw new Error('expected the call to fail');
}

interface Side {
  readonly scenario: SwapScenario;
  readonly fake: FakeProvider;
  readonly adapter: BrowserWallet;
}

/** A swap scenario whose `role` side signs through `kind`'s adapter over a fake provider holding that side's keys. */
async function sideThrough(kind: Kind, role: SwapRole, options: { sameWallet?: boolean; timeoutMs?: number } = {}): Promise<Side> {
  const scenario = createSwapScenario({ sellerType: 'p2tr', buyerType: 'p2wpkh', ...(options.sameWallet ? { sameWallet: true } : {}) });
  const fake = kind.fake(scenario.wallet(role), role === 'seller' ? 'p2tr' : 'p2wpkh');
  const adapter = kind.adapter(fake.win, 'regtest', options.timeoutMs);
  await adapter.connect();
  return { scenario, fake, adapter };
}

const show = (x: unknown) => JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

function signAs(side: Side, role: SwapRole, peerPsbt?: Uint8Array, myScripts?: string[]): Promise<SignSuccess | SignFailure> {
  const s = side.scenario;
  return verifyThenSign({
    terms: s.terms,
    role,
    seller: s.seller,
    buyer: s.buyer,
    indexer: s.indexer,
    wallet: side.adapter,
    policy: myScripts ? { ...s.policy(role), myScripts } : s.policy(role),
    ...(peerPsbt ? { peerPsbt } : {}),
  });
}

for (const kind of KINDS) {
  describe(`wallet adapter: ${kind.id}`, () => {
    it('signs the seller side of a real swap (taproot, DEFAULT): exactly its input, never broadcast, and the ledger accepts the swap', async () => {
      const side = await sideThrough(kind, 'seller');
      const s = side.scenario;
      expect(side.adapter.accounts.map((a) => a.address)).to.include(s.sellerWallet.address('p2tr'));
      const seller = await signAs(side, 'seller');
      expect(seller.ok, show(seller)).to.equal(true);
      const call = kind.signCall(side.fake);
      expect(call.indexes).to.deep.equal([0]);
      const handed = Transaction.fromPSBT(call.psbt, PARSE_TX_OPTS);
      expect(handed.getInput(0).sighashType, 'taproot: no sighash named, so DEFAULT').to.equal(undefined);
      if (kind.id === 'xverse') expect(call.detail).to.deep.equal({ signInputs: { [s.sellerWallet.address('p2tr')]: [0] }, broadcast: false });
      if (kind.id === 'unisat') {
        expect(call.detail).to.deep.equal({ autoFinalized: false, toSignInputs: [{ index: 0, address: s.sellerWallet.address('p2tr'), sighashTypes: [0] }] });
      }
      if (kind.id === 'leather') expect(call.detail).to.deep.equal({ signAtIndex: [0], allowedSighash: [0], network: 'regtest', broadcast: false });
      // The buyer (an in-memory wallet) completes it; the ledger checks every signature.
      const buyer = await verifyThenSign({
        terms: s.terms,
        role: 'buyer',
        seller: s.seller,
        buyer: s.buyer,
        indexer: s.indexer,
        wallet: s.buyerWallet,
        policy: s.policy('buyer'),
        peerPsbt: (seller as SignSuccess).psbt,
      });
      expect(buyer.ok, show(buyer)).to.equal(true);
      const final = finalizeSwap((buyer as SignSuccess).psbt, prevoutsFrom([...s.seller.inputs, ...s.buyer.inputs]), (buyer as SignSuccess).txid);
      expect(final.ok).to.equal(true);
      if (!final.ok) return;
      expect(await s.indexer.broadcast(final.txHex)).to.equal(final.txid);
    });

    it('signs the buyer side (segwit v0) asking for sighash ALL, after the seller', async () => {
      const side = await sideThrough(kind, 'buyer');
      const s = side.scenario;
      const seller = await verifyThenSign({
        terms: s.terms,
        role: 'seller',
        seller: s.seller,
        buyer: s.buyer,
        indexer: s.indexer,
        wallet: s.sellerWallet,
        policy: s.policy('seller'),
      });
      expect(seller.ok).to.equal(true);
      const buyer = await signAs(side, 'buyer', (seller as SignSuccess).psbt);
      expect(buyer.ok, show(buyer)).to.equal(true);
      const call = kind.signCall(side.fake);
      expect(call.indexes).to.deep.equal([1]);
      if (kind.id === 'xverse') expect(Transaction.fromPSBT(call.psbt, PARSE_TX_OPTS).getInput(1).sighashType, 'ALL written into the PSBT').to.equal(1);
      if (kind.id === 'unisat') expect((call.detail as { toSignInputs: { sighashTypes: number[] }[] }).toSignInputs[0]!.sighashTypes).to.deep.equal([1]);
      if (kind.id === 'leather') expect((call.detail as { allowedSighash: number[] }).allowedSighash).to.deep.equal([1]);
      const final = finalizeSwap((buyer as SignSuccess).psbt, prevoutsFrom([...s.seller.inputs, ...s.buyer.inputs]), (buyer as SignSuccess).txid);
      expect(final.ok && (await s.indexer.broadcast(final.txHex))).to.equal(final.ok && final.txid);
    });

    for (const [mode, code] of kind.connectErrors) {
      it(`connect: a wallet that answers "${mode}" → ${code}, in plain words`, async () => {
        const wallet = new MemoryWallet(`connect-${mode}`);
        const fake = kind.fake(wallet, 'p2tr');
        fake.mode = mode;
        const f = await failure(kind.adapter(fake.win, 'regtest').connect());
        expect(f.code).to.equal(code);
        expect(f.message).to.match(/Xverse|UniSat|Leather/);
      });
    }

    it('connect: another network → wrong-network, naming both', async () => {
      const wallet = new MemoryWallet('mainnet-keys', { network: 'mainnet' });
      const fake = kind.fake(wallet, 'p2tr');
      const f = await failure(kind.adapter(fake.win, 'regtest').connect());
      expect(f.code).to.equal('wrong-network');
      expect(f.message).to.contain('regtest');
      if (kind.id !== 'leather') {
        // The wallet says testnet3 while its keys are regtest ones: the wallet's word counts.
        const other = kind.fake(new MemoryWallet('t3'), 'p2tr');
        other.network = 'testnet';
        expect((await failure(kind.adapter(other.win, 'regtest').connect())).code).to.equal('wrong-network');
      }
    });

    it('not installed → not-installed', async () => {
      expect((await failure(kind.adapter({}, 'regtest').connect())).code).to.equal('not-installed');
    });

    it('a wallet that never answers → timeout', async () => {
      const fake = kind.fake(new MemoryWallet('hang'), 'p2tr');
      fake.mode = 'hang';
      const f = await failure(kind.adapter(fake.win, 'regtest', 150).connect());
      expect(f.code).to.equal('timeout');
      const side = await sideThrough(kind, 'seller', { timeoutMs: 150 });
      side.fake.mode = 'hang';
      const signed = await signAs(side, 'seller');
      expect(signed.ok).to.equal(false);
      expect((signed as SignFailure).stage).to.equal('wallet');
      expect((signed as SignFailure).message).to.contain('did not answer');
    });

    const signErrors: [FakeMode, WalletErrorCode, string][] = [
      ['reject', 'rejected', 'WALLET_REJECTED'],
      ['locked', 'locked', 'WALLET_REJECTED'],
      ['change-output', 'tampered', 'WALLET_TX_CHANGED'],
      ['change-input', 'tampered', 'WALLET_TX_CHANGED'],
      ['extra-input', 'tampered', 'WALLET_TX_CHANGED'],
      ['sighash-none', 'tampered', 'WALLET_SIGHASH_NOT_ALL'],
      ['unsigned', 'tampered', 'WALLET_SIGNATURE_MISSING'],
      ['garbage', 'malformed', 'WALLET_RETURNED_GARBAGE'],
      ['not-rpc', 'malformed', 'WALLET_RETURNED_GARBAGE'],
    ];
    for (const [mode, code, check] of signErrors) {
      it(`sign: a wallet answering "${mode}" → ${code} (verify-then-sign: ${check}), nothing signed goes on`, async () => {
        const side = await sideThrough(kind, 'seller');
        side.fake.mode = mode;
        side.fake.only = ['signPsbt'];
        const built = await signAs(side, 'seller');
        expect(built.ok).to.equal(false);
        expect((built as SignFailure).code, show(built)).to.equal(check);
        // The adapter on its own refuses the same answer with a typed error.
        const s = side.scenario;
        const { buildSwapPsbt } = await import('../psbt-build.js');
        const swap = buildSwapPsbt(s.terms, s.seller, s.buyer);
        if (!swap.ok) throw new Error('build failed');
        const request = {
          inputs: [{ index: 0, address: s.sellerWallet.address('p2tr'), publicKey: s.seller.inputs[0]!.publicKey, sighash: 'DEFAULT' as const }],
          finalize: false as const,
        };
        const f = await failure(side.adapter.signPsbt(swap.psbt, request));
        expect(f.code).to.equal(code);
        if (code === 'tampered') expect(f.check).to.equal(check);
      });
    }

    it('sign: a wallet that also signs an input it was not asked to → tampered (WALLET_SIGNED_OTHER_INPUT)', async () => {
      const side = await sideThrough(kind, 'seller', { sameWallet: true });
      side.fake.mode = 'sign-other-input';
      side.fake.only = ['signPsbt'];
      // One wallet on both sides passes the verifiers only when the host declares no other scripts of its own.
      const signed = await signAs(side, 'seller', undefined, []);
      expect(signed.ok).to.equal(false);
      expect((signed as SignFailure).code).to.equal('WALLET_SIGNED_OTHER_INPUT');
      expect((signed as SignFailure).stage).to.equal('wallet-result');
    });

    it('binds the identity key to the connected taproot address (BIP-322 through the wallet), checked; a bad or declined signature is refused', async () => {
      const keys = new MemoryWallet(uniqueIdentity(kind.id));
      const fake = kind.fake(keys, 'p2tr');
      const adapter = kind.adapter(fake.win, 'regtest');
      await adapter.connect();
      const identity = 'c3'.repeat(32);
      const address = keys.address('p2tr');
      const binding = await bindIdentity(adapter, { identity, address });
      expect(binding.address).to.equal(address);
      expect(verifyIdentityBinding(binding, { identity, network: 'regtest' })).to.deep.equal({ ok: true, address });
      const call = fake.calls.find((c) => c.method === 'signMessage')!;
      expect(JSON.stringify(call.params)).to.contain('darkswap/identity-binding/v1');
      if (kind.id === 'xverse') expect((call.params as { protocol: string }).protocol).to.equal('BIP322');
      if (kind.id === 'unisat') expect((call.params as { type: string }).type).to.equal('bip322-simple');
      if (kind.id === 'leather') expect((call.params as { paymentType: string }).paymentType).to.equal('p2tr');
      fake.mode = 'garbage';
      expect((await failure(adapter.signMessage!('hello', address))).code).to.equal('tampered');
      fake.mode = 'reject';
      expect((await failure(adapter.signMessage!('hello', address))).code).to.equal('rejected');
    });

    it('sign: an input of an address that is not connected is refused before the wallet is asked', async () => {
      const side = await sideThrough(kind, 'seller');
      const s = side.scenario;
      const { buildSwapPsbt } = await import('../psbt-build.js');
      const swap = buildSwapPsbt(s.terms, s.seller, s.buyer);
      if (!swap.ok) throw new Error('build failed');
      const before = side.fake.calls.length;
      const f = await failure(
        side.adapter.signPsbt(swap.psbt, {
          inputs: [{ index: 1, address: s.buyerWallet.address('p2wpkh'), publicKey: s.buyer.inputs[0]!.publicKey, sighash: 'ALL' }],
          finalize: false,
        }),
      );
      expect(f.code).to.equal('unsupported');
      expect(side.fake.calls.length, 'the wallet was not asked').to.equal(before);
    });
  });
}
