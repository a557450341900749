import { expect } from '@open-wc/testing';
import { schnorr } from '@noble/curves/secp256k1.js';
import { Transaction } from '@scure/btc-signer';
import { fromHex, toHex } from './bytes.js';
import { PARSE_TX_OPTS } from './psbt-build.js';
import { checkWitness, isStrictDer, type Prevout } from './signature.js';

/** BIP-143 "Native P2WPKH" example: input 1 spends 6 BTC from a P2WPKH output. */
const BIP143 = {
  unsignedTx:
    '0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000',
  scriptCode: '76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac',
  script: '00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1',
  amount: 600_000_000n,
  sigHash: 'c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670',
  pubkey: '025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee6357',
  sig: '304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee',
};

describe('bitcoin: signature verifier, BIP-143 vector (P2WPKH)', () => {
  const tx = Transaction.fromRaw(fromHex(BIP143.unsignedTx), PARSE_TX_OPTS);
  // Input 0 of the example is P2PK; only input 1 is checked here.
  const prevouts: Prevout[] = [
    { script: fromHex('21' + '03'.repeat(33) + 'ac'), amount: 625_000_000n },
    { script: fromHex(BIP143.script), amount: BIP143.amount },
  ];
  const sig = fromHex(BIP143.sig + '01');
  const pub = fromHex(BIP143.pubkey);

  it('computes the published sighash', () => {
    expect(toHex(tx.preimageWitnessV0(1, fromHex(BIP143.scriptCode), 1, BIP143.amount))).to.equal(BIP143.sigHash);
  });

  it('accepts the published signature', () => {
    expect(checkWitness(tx, 1, prevouts, [sig, pub])).to.deep.equal({ ok: true });
  });

  it('refuses every broken clause with its own code', () => {
    const code = (w: Uint8Array[], scriptSig?: Uint8Array, p = prevouts) => {
      const r = checkWitness(tx, 1, p, w, scriptSig);
      return r.ok ? 'ok' : r.code;
    };
    const flipped = sig.slice();
    flipped[10]! ^= 1;
    expect(code([flipped, pub])).to.equal('SIGNATURE_INVALID');
    expect(code([sig, pub], undefined, [prevouts[0]!, { ...prevouts[1]!, amount: BIP143.amount - 1n }])).to.equal('SIGNATURE_INVALID');
    expect(code([fromHex(BIP143.sig + '02'), pub])).to.equal('SIGHASH_NOT_ALL');
    expect(code([fromHex(BIP143.sig + '81'), pub])).to.equal('SIGHASH_NOT_ALL');
    const otherKey = fromHex('03' + BIP143.pubkey.slice(2));
    expect(code([sig, otherKey])).to.equal('PUBKEY_MISMATCH');
    expect(code([sig])).to.equal('WITNESS_MALFORMED');
    expect(code([])).to.equal('SIGNATURE_MISSING');
    expect(code([sig, pub], Uint8Array.of(0x00))).to.equal('SCRIPTSIG_NOT_EMPTY');
    // A padded R is valid BER but not strict DER.
    const padded = fromHex('3045022100' + BIP143.sig.slice(8) + '01');
    expect(isStrictDer(padded)).to.equal(false);
    expect(isStrictDer(sig)).to.equal(true);
    expect(code([padded, pub])).to.equal('SIGNATURE_ENCODING');
    expect(checkWitness(tx, 0, prevouts, [sig]).ok).to.equal(false);
  });
});

interface Bip341 {
  keyPathSpending: {
    given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
    inputSpending: {
      given: { txinIndex: number; hashType: number };
      intermediary: { sigHash: string };
      expected: { witness: string[] };
    }[];
  }[];
}

describe('bitcoin: signature verifier, BIP-341 wallet vectors (P2TR key path)', () => {
  it('computes every published sighash and accepts the DEFAULT/ALL signatures, refusing other hash types', async () => {
    const res = await fetch(new URL('./fixtures/bip341-wallet-test-vectors.json', import.meta.url));
    const data = (await res.json()) as Bip341;
    const spend = data.keyPathSpending[0]!;
    const tx = Transaction.fromRaw(fromHex(spend.given.rawUnsignedTx), PARSE_TX_OPTS);
    const prevouts: Prevout[] = spend.given.utxosSpent.map((u) => ({ script: fromHex(u.scriptPubKey), amount: BigInt(u.amountSats) }));
    let accepted = 0;
    let refused = 0;
    expect(spend.inputSpending.length).to.be.greaterThan(5);
    for (const v of spend.inputSpending) {
      const i = v.given.txinIndex;
      const digest = tx.preimageWitnessV1(
        i,
        prevouts.map((p) => p.script),
        v.given.hashType,
        prevouts.map((p) => p.amount),
      );
      expect(toHex(digest), `input ${i}`).to.equal(v.intermediary.sigHash);
      const witness = v.expected.witness.map(fromHex);
      // The published signature is genuinely valid under the output key …
      expect(schnorr.verify(witness[0]!.subarray(0, 64), digest, prevouts[i]!.script.subarray(2))).to.equal(true);
      // … and the kit accepts it only with hash type DEFAULT or ALL.
      const r = checkWitness(tx, i, prevouts, witness);
      if (v.given.hashType === 0 || v.given.hashType === 1) {
        expect(r, `input ${i}`).to.deep.equal({ ok: true });
        accepted++;
        const bad = witness[0]!.slice();
        bad[3]! ^= 0x40;
        const rb = checkWitness(tx, i, prevouts, [bad]);
        expect(rb.ok ? 'ok' : rb.code).to.equal('SIGNATURE_INVALID');
        const annex = checkWitness(tx, i, prevouts, [witness[0]!, Uint8Array.of(0x50)]);
        expect(annex.ok ? 'ok' : annex.code).to.equal('WITNESS_MALFORMED');
      } else {
        expect(r.ok ? 'ok' : r.code, `input ${i} hashType ${v.given.hashType}`).to.equal('SIGHASH_NOT_ALL');
        refused++;
      }
    }
    expect(accepted).to.be.greaterThan(0);
    expect(refused).to.be.greaterThan(0);
  });
});
