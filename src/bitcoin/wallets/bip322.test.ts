/**
 * BIP-322 simple verification against the BIP's official vectors (message hashes; the P2WPKH and P2TR
 * "Hello World" signatures of the test key L3VFeEujGtevx9w18HD1fhRbCH67Az2dpCymeRE1SoPK6XQtaN2k), signatures
 * made here with that key through @scure/btc-signer, and the identity binding's checks.
 */
import { expect } from '@open-wc/testing';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { p2tr, p2wpkh } from '@scure/btc-signer';
import { toBase64 } from '../../core/bytes.js';
import { fromHex } from '../bytes.js';
import { addressToScript } from '../network.js';
import type { BitcoinNetwork } from '../wire.js';
import {
  bip322MessageHashHex,
  bip322ToSign,
  encodeWitness,
  identityBindingMessage,
  verifyBip322Simple,
  verifyIdentityBinding,
  type IdentityBinding,
} from './bip322.js';

const KEY = fromHex('bb051cd0dda0246f33c5a9e133ebd8e7bc02a92af6c41adc131ccd7826c5b004');
const P2WPKH = 'bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l';
const P2TR = 'bc1ppv609nr0vr25u07u95waq5lucwfm6tde4nydujnu8npg4q75mr5sxq8lt3';
const P2WPKH_HELLO =
  'AkcwRAIgZRfIY3p7/DoVTty6YZbWS71bc5Vct9p9Fia83eRmw2QCICK/ENGfwLtptFluMGs2KsqoNSk89pO7F29zJLUx9a/sASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=';
const P2WPKH_EMPTY =
  'AkcwRAIgM2gBAQqvZX15ZiysmKmQpDrG83avLIT492QBzLnQIxYCIBaTpOaD20qRlEylyxFSeEA2ba9YOixpX8z46TSDtS40ASECx/EgAxlkQpQ9hYjgGu6EBCPMVPwVIVJqO4XCsMvViHI=';
const P2TR_HELLO = 'AUHd69PrJQEv+oKTfZ8l+WROBHuy9HKrbFCJu7U1iK2iiEy1vMU5EfMtjc+VSHM7aU0SDbak5IUZRVno2P5mjSafAQ==';

/** A BIP-322 simple signature by the test key's P2WPKH or P2TR address of `network`. */
function sign(type: 'p2wpkh' | 'p2tr', message: string, network: BitcoinNetwork = 'mainnet'): { address: string; signature: string } {
  const net = network === 'mainnet' ? undefined : { bech32: network === 'regtest' ? 'bcrt' : 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef };
  const pay = type === 'p2wpkh' ? p2wpkh(secp256k1.getPublicKey(KEY, true), net) : p2tr(schnorr.getPublicKey(KEY), undefined, net);
  const tx = bip322ToSign(pay.script, message);
  if (type === 'p2tr') tx.updateInput(0, { tapInternalKey: schnorr.getPublicKey(KEY) });
  tx.signIdx(KEY, 0);
  tx.finalizeIdx(0);
  return { address: pay.address!, signature: toBase64(encodeWitness(tx.getInput(0).finalScriptWitness!)) };
}

describe('BIP-322 simple', () => {
  it('message hashes are the BIP’s', () => {
    expect(bip322MessageHashHex('')).to.equal('c90c269c4f8fcbe6880f72a721ddfbf1914268a794cbb21cfafee13770ae19f1');
    expect(bip322MessageHashHex('Hello World')).to.equal('f0eb03b1a75ac6d9847f55c624a99169b5dccba2a31f5b23bea77ba270de0a7a');
  });

  it('verifies the official P2WPKH and P2TR vectors, and nothing else', () => {
    expect(verifyBip322Simple(P2WPKH, 'Hello World', P2WPKH_HELLO, 'mainnet')).to.deep.equal({ ok: true });
    expect(verifyBip322Simple(P2WPKH, '', P2WPKH_EMPTY, 'mainnet')).to.deep.equal({ ok: true });
    expect(verifyBip322Simple(P2TR, 'Hello World', P2TR_HELLO, 'mainnet')).to.deep.equal({ ok: true });
    // Swapped messages, another address, another network, a flipped byte, garbage.
    expect(verifyBip322Simple(P2WPKH, '', P2WPKH_HELLO, 'mainnet').ok).to.equal(false);
    expect(verifyBip322Simple(P2WPKH, 'Hello World', P2WPKH_EMPTY, 'mainnet').ok).to.equal(false);
    expect(verifyBip322Simple(P2TR, 'Hello World!', P2TR_HELLO, 'mainnet').ok).to.equal(false);
    expect(verifyBip322Simple('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'Hello World', P2WPKH_HELLO, 'mainnet')).to.include({
      ok: false,
      code: 'PUBKEY_MISMATCH',
    });
    expect(verifyBip322Simple(P2TR, 'Hello World', P2TR_HELLO, 'regtest').ok).to.equal(false);
    const flipped = P2TR_HELLO.slice(0, 10) + (P2TR_HELLO[10] === 'A' ? 'B' : 'A') + P2TR_HELLO.slice(11);
    expect(verifyBip322Simple(P2TR, 'Hello World', flipped, 'mainnet')).to.include({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(verifyBip322Simple(P2TR, 'Hello World', 'not base64!', 'mainnet')).to.include({ ok: false, code: 'SIGNATURE_ENCODING' });
    expect(verifyBip322Simple(P2TR, 'Hello World', 'AAAA', 'mainnet')).to.include({ ok: false, code: 'WITNESS_MALFORMED' });
    expect(verifyBip322Simple('36NvZTcMsMowbt78wPzJaHHWaNiyR73Y4g', 'Hello World', P2WPKH_HELLO, 'mainnet')).to.include({
      ok: false,
      code: 'INPUT_TYPE_UNSUPPORTED',
    });
  });

  it('signatures made here with the test key verify (P2WPKH on regtest, P2TR on mainnet); the P2TR one matches the vector’s address', () => {
    const w = sign('p2wpkh', 'Hello World', 'regtest');
    expect(addressToScript(w.address, 'regtest')).to.not.equal(undefined);
    expect(verifyBip322Simple(w.address, 'Hello World', w.signature, 'regtest')).to.deep.equal({ ok: true });
    const t = sign('p2tr', 'Hello World');
    expect(t.address).to.equal(P2TR);
    expect(verifyBip322Simple(P2TR, 'Hello World', t.signature, 'mainnet')).to.deep.equal({ ok: true });
  });
});

describe('identity binding', () => {
  const identity = 'a1'.repeat(32);
  const issued = '2026-12-05T12:00:00.000Z';
  const now = Date.parse(issued) + 60_000;
  const bind = (type: 'p2wpkh' | 'p2tr', over: Partial<IdentityBinding> = {}): IdentityBinding => {
    const base = { identity, network: 'regtest' as const, issued, address: sign(type, '', 'regtest').address };
    const message = identityBindingMessage({ ...base, ...over });
    return { v: 1, ...base, signature: sign(type, message, 'regtest').signature, ...over };
  };

  it('the statement is domain-tagged and names the identity key, the address, the network and its purpose', () => {
    const m = identityBindingMessage({ identity, address: 'bcrt1qexample', network: 'regtest', issued });
    expect(m.split('\n')[0]).to.equal('darkswap/identity-binding/v1');
    expect(m).to.contain(`identity: ${identity}`);
    expect(m).to.contain('address: bcrt1qexample');
    expect(m).to.contain('network: regtest');
    expect(m).to.contain('trade on DarkSwap with this identity key');
  });

  it('verifies for the authenticated identity; refuses another identity, network, a changed field, the future', () => {
    for (const type of ['p2wpkh', 'p2tr'] as const) {
      const b = bind(type);
      expect(verifyIdentityBinding(b, { identity, network: 'regtest', now })).to.deep.equal({ ok: true, address: b.address });
      expect(verifyIdentityBinding(b, { identity: 'b2'.repeat(32), network: 'regtest', now })).to.deep.equal({
        ok: false,
        code: 'identity',
        reason: 'it binds another identity key',
      });
      expect(verifyIdentityBinding(b, { identity, network: 'mainnet', now })).to.include({ ok: false, code: 'network' });
      expect(
        verifyIdentityBinding({ ...b, issued: '2026-12-05T12:00:01.000Z' }, { identity, network: 'regtest', now }).ok,
        'a changed field breaks the signature',
      ).to.equal(false);
      expect(verifyIdentityBinding({ ...b, issued: '2026-12-05T12:00:01.000Z' }, { identity, network: 'regtest', now })).to.include({ code: 'signature' });
      expect(verifyIdentityBinding(b, { identity, network: 'regtest', now: Date.parse(issued) - 10 * 60_000 })).to.deep.equal({
        ok: false,
        code: 'future',
        reason: 'issued in the future',
      });
      expect(verifyIdentityBinding(b, { identity, network: 'regtest', now, maxAgeMs: 1_000 })).to.deep.equal({ ok: false, code: 'stale', reason: 'too old' });
    }
    // Someone else's address cannot be claimed with my signature.
    const mine = bind('p2tr');
    const other = sign('p2wpkh', '', 'regtest').address;
    expect(verifyIdentityBinding({ ...mine, address: other }, { identity, network: 'regtest', now }).ok).to.equal(false);
    expect(verifyIdentityBinding({ v: 2 }, { identity, network: 'regtest', now }).ok).to.equal(false);
  });
});
