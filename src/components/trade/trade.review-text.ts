// The review's words in the page's language (@lit/localize): what <darkswap-trade> gives its trade engine as
// `TradeHost.reviewText` (the English set and the layout of the lines are in features/trade/).
import { msg, str } from '@lit/localize';
import type { ReviewText } from '../../features/trade/trade.review-text.js';

export const LOCALIZED_REVIEW_TEXT: ReviewText = {
  role: (role) => {
    switch (role) {
      case 'buyer-asset':
        return msg("buyer's asset output");
      case 'seller-payment':
        return msg("seller's payment");
      case 'seller-asset-change':
        return msg("seller's asset change");
      case 'buyer-change':
        return msg("buyer's change");
      case 'op-return':
        return msg('runestone (OP_RETURN, carries no sats)');
    }
  },
  units: (amount, asset) => msg(str`${amount} units of ${asset}`),
  output: (i, value, to, words, mine) =>
    mine ? msg(str`#${i}: ${value} to ${to} (${words} — yours)`) : msg(str`#${i}: ${value} to ${to} (${words} — the counterparty’s)`),
  sellerSends: (units) => msg(str`${units} to the buyer (output #0)`),
  sellerInputs: (count, inputTotal) =>
    count === 1
      ? msg(str`your ${count} input (${inputTotal} in total; their sats come back in your payment)`)
      : msg(str`your ${count} inputs (${inputTotal} in total; their sats come back in your payment)`),
  sellerReceives: (price, net, to) => msg(str`${price} net: ${net} at output #1 (${to})`),
  sellerKeeps: (asset, carrier) => msg(str`the rest of your ${asset} at output #2, the runestone's pointer (${carrier} carrier)`),
  buyerSends: (price, fee) => msg(str`${price} to the seller, plus the ${fee} network fee`),
  buyerInputs: (count, inputTotal) =>
    count === 1 ? msg(str`from your ${count} input (${inputTotal} in total)`) : msg(str`from your ${count} inputs (${inputTotal} in total)`),
  buyerReceives: (units, to, carrier) => msg(str`${units} at output #0 (${to}, ${carrier} carrier)`),
  buyerChange: (change) => (change === undefined ? msg('no change: what was left is below dust and goes to the fee') : msg(str`${change} change at output #3`)),
  netEffect: (net, assetNet, asset) => msg(str`Net effect on your wallet: ${net} BTC, ${assetNet} ${asset}`),
  fee: (feeSats, vsize, rate, buyer) =>
    buyer
      ? msg(str`${feeSats} for ~${vsize} vB (${rate} sat/vB), paid by you (the buyer)`)
      : msg(str`${feeSats} for ~${vsize} vB (${rate} sat/vB), paid by the buyer`),
  edict: (a, id, out, alkane) =>
    alkane ? msg(str`Edict: move ${a} of alkane ${id} to output #${out}`) : msg(str`Edict: move ${a} of ${id} to output #${out}`),
  pointer: (pointer) => (pointer === undefined ? msg('Pointer: none') : msg(str`Pointer: everything else goes to output #${pointer}`)),
  etching: (etches) => (etches ? msg('Etching: yes (unexpected)') : msg('Etches nothing, mints nothing')),
  protocolField: (fieldCount) => msg(str`Protocol field: ${fieldCount} value(s) (the alkanes protostone)`),
  protocolTag: (tag) => msg(str`Protocol tag ${tag}`),
  protostonePointers: (pointer, refund) => msg(str`Pointer: output #${pointer ?? msg('none')}; refund: output #${refund ?? msg('none')}`),
  otherFields: (present) => (present ? msg('Other fields: present (unexpected)') : msg('No contract call, no burn')),
};
