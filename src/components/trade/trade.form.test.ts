import { expect } from '@open-wc/testing';
import { NUMBERS_MESSAGE, PROPOSE_FORM_FIELDS, readProposeForm, validateProposeForm, type ProposeFormInput } from './trade.form.js';

const form = (o: ProposeFormInput = {}): ProposeFormInput => ({
  peer: 'peer-b',
  role: 'buyer',
  kind: 'rune',
  'asset-id': '840000:3',
  amount: '1000',
  price: '50000',
  fee: '2',
  ...o,
});

describe('trade propose form (view model)', () => {
  it('parses a valid form into the peer and a propose request', () => {
    expect(validateProposeForm(form())).to.deep.equal({
      ok: true,
      peer: 'peer-b',
      request: { role: 'buyer', asset: { kind: 'rune', id: '840000:3' }, amount: 1000n, priceSats: 50_000n, feeRate: 2n },
    });
  });

  it('takes the seller role and the alkane kind; anything else is buyer and rune', () => {
    const sell = validateProposeForm(form({ role: 'seller', kind: 'alkane', 'asset-id': '2:1' }));
    expect(sell.ok && sell.request.role).to.equal('seller');
    expect(sell.ok && sell.request.asset).to.deep.equal({ kind: 'alkane', id: '2:1' });
    const other = validateProposeForm(form({ role: 'maker', kind: 'brc20' }));
    expect(other.ok && other.request.role).to.equal('buyer');
    expect(other.ok && other.request.asset.kind).to.equal('rune');
    const missing = validateProposeForm(form({ role: undefined, kind: undefined }));
    expect(missing.ok && missing.request.role).to.equal('buyer');
    expect(missing.ok && missing.request.asset.kind).to.equal('rune');
  });

  it('trims every field', () => {
    const r = validateProposeForm(form({ peer: '  peer-b ', 'asset-id': ' 840000:3 ', amount: ' 7 ', price: '\t9\n', fee: ' 3 ' }));
    expect(r).to.deep.equal({
      ok: true,
      peer: 'peer-b',
      request: { role: 'buyer', asset: { kind: 'rune', id: '840000:3' }, amount: 7n, priceSats: 9n, feeRate: 3n },
    });
  });

  it('asks for a peer first', () => {
    const r = validateProposeForm(form({ peer: ' ', 'asset-id': 'x', amount: '0' }));
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.message).to.equal('Choose a connected peer.');
    expect(r.errors).to.have.keys(['peer', 'asset-id', 'amount']);
  });

  it('wants the asset id as block:tx', () => {
    for (const id of ['', '840000', '840000:', ':3', '840000:3:1', 'abc:3', '840000-3']) {
      const r = validateProposeForm(form({ 'asset-id': id }));
      expect(r, id).to.deep.equal({
        ok: false,
        errors: { 'asset-id': 'Asset id must be block:tx, e.g. 840000:3.' },
        message: 'Asset id must be block:tx, e.g. 840000:3.',
      });
    }
  });

  it('wants amount, price and fee rate as whole numbers above 0, with a message per field', () => {
    for (const bad of ['', '0', '01', '-1', '1.5', '1e3', '1 000', 'x', '1'.repeat(40)]) {
      for (const field of ['amount', 'price', 'fee'] as const) {
        const r = validateProposeForm(form({ [field]: bad }));
        expect(r.ok, `${field}=${bad}`).to.equal(false);
        if (r.ok) continue;
        expect(r.message).to.equal(NUMBERS_MESSAGE);
        expect(Object.keys(r.errors)).to.deep.equal([field]);
      }
    }
    const r = validateProposeForm(form({ amount: '0', price: '', fee: 'x' }));
    expect(r).to.deep.equal({
      ok: false,
      errors: {
        amount: 'Amount must be a whole number above 0.',
        price: 'Price must be a whole number above 0.',
        fee: 'Fee rate must be a whole number above 0.',
      },
      message: 'Amount, price and fee rate must be whole numbers above 0.',
    });
  });

  it('accepts numbers up to 39 digits (u128) exactly', () => {
    const big = '340282366920938463463374607431768211455';
    const r = validateProposeForm(form({ amount: big }));
    expect(r.ok && r.request.amount).to.equal(2n ** 128n - 1n);
  });

  it('reads the fields from FormData-like input as trimmed text', () => {
    const data = new Map<string, unknown>([
      ['peer', ' p '],
      ['amount', 5],
      ['other', 'ignored'],
    ]);
    const input = readProposeForm(data);
    expect(Object.keys(input)).to.deep.equal([...PROPOSE_FORM_FIELDS]);
    expect(input).to.include({ peer: 'p', amount: '5', role: '', fee: '' });
    const fd = new FormData();
    fd.set('asset-id', ' 840000:3 ');
    expect(readProposeForm(fd)['asset-id']).to.equal('840000:3');
  });
});
