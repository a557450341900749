// The words of the "what you sign" review (trade.bridge.ts buildReview), kept apart from the layout of its lines so
// the feature stays framework-free: English here; <darkswap-trade> passes its localized set (components/trade/
// trade.review-text.ts, through @lit/localize) as `TradeHost.reviewText`. Values arrive already formatted.
import type { BuiltSwap } from '../../bitcoin/psbt-build.js';

export type OutputRole = BuiltSwap['outputs'][number]['role'];

export interface ReviewText {
  role(role: OutputRole): string;
  units(amount: string, asset: string): string;
  output(i: number, value: string, to: string, words: string, mine: boolean): string;
  sellerSends(units: string): string;
  sellerInputs(count: number, total: string): string;
  sellerReceives(price: string, net: string, to: string): string;
  sellerKeeps(asset: string, carrier: string): string;
  buyerSends(price: string, fee: string): string;
  buyerInputs(count: number, total: string): string;
  buyerReceives(units: string, to: string, carrier: string): string;
  buyerChange(change: string | undefined): string;
  netEffect(net: string, assetNet: string, asset: string): string;
  fee(fee: string, vsize: number, rate: string, buyer: boolean): string;
  edict(amount: string, id: string, out: number, alkane: boolean): string;
  pointer(pointer: number | undefined): string;
  etching(etches: boolean): string;
  protocolField(count: number): string;
  protocolTag(tag: string): string;
  protostonePointers(pointer: string | undefined, refund: string | undefined): string;
  otherFields(present: boolean): string;
}

const ROLE_WORDS: Record<OutputRole, string> = {
  'buyer-asset': "buyer's asset output",
  'seller-payment': "seller's payment",
  'seller-asset-change': "seller's asset change",
  'buyer-change': "buyer's change",
  'op-return': 'runestone (OP_RETURN, carries no sats)',
};

export const ENGLISH_REVIEW_TEXT: ReviewText = {
  role: (role) => ROLE_WORDS[role],
  units: (amount, asset) => `${amount} units of ${asset}`,
  output: (i, value, to, words, mine) => `#${i}: ${value} to ${to} (${words} — ${mine ? 'yours' : 'the counterparty’s'})`,
  sellerSends: (units) => `${units} to the buyer (output #0)`,
  sellerInputs: (count, total) => `your ${count} input${count === 1 ? '' : 's'} (${total} in total; their sats come back in your payment)`,
  sellerReceives: (price, net, to) => `${price} net: ${net} at output #1 (${to})`,
  sellerKeeps: (asset, carrier) => `the rest of your ${asset} at output #2, the runestone's pointer (${carrier} carrier)`,
  buyerSends: (price, fee) => `${price} to the seller, plus the ${fee} network fee`,
  buyerInputs: (count, total) => `from your ${count} input${count === 1 ? '' : 's'} (${total} in total)`,
  buyerReceives: (units, to, carrier) => `${units} at output #0 (${to}, ${carrier} carrier)`,
  buyerChange: (change) => (change === undefined ? 'no change: what was left is below dust and goes to the fee' : `${change} change at output #3`),
  netEffect: (net, assetNet, asset) => `Net effect on your wallet: ${net} BTC, ${assetNet} ${asset}`,
  fee: (fee, vsize, rate, buyer) => `${fee} for ~${vsize} vB (${rate} sat/vB), paid by ${buyer ? 'you (the buyer)' : 'the buyer'}`,
  edict: (amount, id, out, alkane) => `Edict: move ${amount} of ${alkane ? 'alkane ' : ''}${id} to output #${out}`,
  pointer: (pointer) => (pointer === undefined ? 'Pointer: none' : `Pointer: everything else goes to output #${pointer}`),
  etching: (etches) => (etches ? 'Etching: yes (unexpected)' : 'Etches nothing, mints nothing'),
  protocolField: (count) => `Protocol field: ${count} value(s) (the alkanes protostone)`,
  protocolTag: (tag) => `Protocol tag ${tag}`,
  protostonePointers: (pointer, refund) => `Pointer: output #${pointer ?? 'none'}; refund: output #${refund ?? 'none'}`,
  otherFields: (present) => (present ? 'Other fields: present (unexpected)' : 'No contract call, no burn'),
};
