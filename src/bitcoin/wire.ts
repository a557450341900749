/**
 * The swap's wire vocabulary — networks, key types, asset kinds, roles and the JSON schemas of the terms and of
 * each side's contribution — with no Bitcoin library behind it, so the trade protocol (which only checks shapes)
 * does not pull @scure/btc-signer into a widget's first chunk. `terms.ts` parses and checks the values.
 */
import * as v from 'valibot';

export const BITCOIN_NETWORKS = ['mainnet', 'testnet4', 'signet', 'regtest'] as const;
export type BitcoinNetwork = (typeof BITCOIN_NETWORKS)[number];
/** Key types the swap can spend and pay to. */
export const SPENDABLE_TYPES = ['p2wpkh', 'p2tr'] as const;
export type SpendableType = (typeof SPENDABLE_TYPES)[number];

export const TERMS_VERSION = 1;
export const ASSET_KINDS = ['rune', 'alkane'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
export const SWAP_ROLES = ['seller', 'buyer'] as const;
/** Who gives the asset (`seller`) and who gives BTC for it (`buyer`). */
export type SwapRole = (typeof SWAP_ROLES)[number];
export const MAX_INPUTS_PER_SIDE = 50;

const Decimal = v.pipe(v.string(), v.regex(/^(0|[1-9][0-9]{0,38})$/));
const Hex = v.pipe(v.string(), v.regex(/^([0-9a-f]{2})+$/), v.maxLength(200));

export const SwapTermsWireSchema = v.strictObject({
  version: v.literal(TERMS_VERSION),
  network: v.picklist(BITCOIN_NETWORKS),
  asset: v.strictObject({ kind: v.picklist(ASSET_KINDS), id: v.pipe(v.string(), v.maxLength(32)) }),
  amount: Decimal,
  priceSats: Decimal,
  feeRate: Decimal,
  assetOutputValue: Decimal,
});
export type SwapTermsWire = v.InferOutput<typeof SwapTermsWireSchema>;

export const SwapInputWireSchema = v.strictObject({
  txid: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  vout: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffff_ffff)),
  value: Decimal,
  scriptPubKey: Hex,
  addressType: v.picklist(SPENDABLE_TYPES),
  publicKey: v.pipe(v.string(), v.regex(/^([0-9a-f]{64}|0[23][0-9a-f]{64})$/)),
});
const Inputs = v.pipe(v.array(SwapInputWireSchema), v.minLength(1), v.maxLength(MAX_INPUTS_PER_SIDE));
const AddressText = v.pipe(v.string(), v.minLength(14), v.maxLength(100));

export const SellerContributionWireSchema = v.strictObject({
  inputs: Inputs,
  paymentAddress: AddressText,
  assetChangeAddress: AddressText,
});
export const BuyerContributionWireSchema = v.strictObject({
  inputs: Inputs,
  assetAddress: AddressText,
  changeAddress: AddressText,
});
