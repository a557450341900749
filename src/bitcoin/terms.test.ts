import { expect } from '@open-wc/testing';
import { createSwapScenario } from './swap-scenario.js';
import { buyerToWire, checkSwap, parseBuyerContribution, parseSellerContribution, parseTerms, sellerToWire, termsToWire } from './terms.js';

describe('bitcoin: trade terms (valibot wire schemas)', () => {
  it('round-trips terms and contributions through JSON, amounts as decimal strings', () => {
    const s = createSwapScenario({ kind: 'alkane' });
    const wire = JSON.parse(JSON.stringify(termsToWire(s.terms)));
    expect(wire.amount).to.equal('1000');
    const t = parseTerms(wire);
    if (!t.ok) throw new Error(t.message);
    expect(t.terms).to.deep.equal(s.terms);
    const seller = parseSellerContribution(JSON.parse(JSON.stringify(sellerToWire(s.seller))), 'regtest');
    const buyer = parseBuyerContribution(JSON.parse(JSON.stringify(buyerToWire(s.buyer))), 'regtest');
    if (!seller.ok || !buyer.ok) throw new Error('contribution did not parse');
    expect(seller.seller).to.deep.equal(s.seller);
    expect(buyer.buyer).to.deep.equal(s.buyer);
  });

  it('refuses malformed or out-of-range terms', () => {
    const s = createSwapScenario();
    const wire = termsToWire(s.terms);
    const bad = (patch: Record<string, unknown>) => parseTerms({ ...wire, ...patch }).ok;
    expect(bad({})).to.equal(true);
    expect(bad({ amount: '1.5' })).to.equal(false);
    expect(bad({ amount: '0' })).to.equal(false);
    expect(bad({ amount: '0100' })).to.equal(false);
    expect(bad({ priceSats: 5 })).to.equal(false);
    expect(bad({ feeRate: '0' })).to.equal(false);
    expect(bad({ asset: { kind: 'rune', id: '0:1' } })).to.equal(false);
    expect(bad({ asset: { kind: 'nft', id: '1:1' } })).to.equal(false);
    expect(bad({ network: 'litecoin' })).to.equal(false);
    expect(bad({ extra: 1 })).to.equal(false);
  });

  it('refuses contributions whose key does not match the script, a wrong-network address, a reused outpoint', () => {
    const s = createSwapScenario();
    expect(checkSwap(s.terms, s.seller, s.buyer)).to.equal(undefined);
    const wrongKey = { ...s.seller, inputs: [{ ...s.seller.inputs[0]!, publicKey: s.buyer.inputs[0]!.publicKey, addressType: 'p2wpkh' as const }] };
    expect(checkSwap(s.terms, wrongKey, s.buyer)?.message).to.match(/not the p2wpkh script/);
    const mainnet = { ...s.buyer, changeAddress: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' };
    expect(checkSwap(s.terms, s.seller, mainnet)?.message).to.match(/not a regtest address/);
    const reused = { ...s.buyer, inputs: [s.seller.inputs[0]!] };
    expect(checkSwap(s.terms, s.seller, reused)?.message).to.match(/appears twice/);
  });
});
