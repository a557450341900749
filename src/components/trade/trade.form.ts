/**
 * The propose form's view model: the form's text fields parsed and validated into a `ProposeRequest` for
 * `DarkswapTrade.propose()`, with a message per field (in the active language). Pure: no DOM, no engine.
 */
import { msg } from '@lit/localize';
import type { SwapRole } from '../../bitcoin/wire.js';

/** What `propose()` needs: my role, the asset, the amount, the price and optionally the fee rate. */
export interface ProposeRequest {
  readonly role: SwapRole;
  readonly asset: { readonly kind: 'rune' | 'alkane'; readonly id: string };
  /** Asset base units. */
  readonly amount: bigint;
  /** Sats the seller receives. */
  readonly priceSats: bigint;
  /** sat/vB (default: the `fee-rate` attribute). */
  readonly feeRate?: bigint | undefined;
  readonly orderId?: string | undefined;
}

/** The propose form's fields (the `name` of each control). */
export const PROPOSE_FORM_FIELDS = ['peer', 'role', 'kind', 'asset-id', 'amount', 'price', 'fee'] as const;
export type ProposeFormField = (typeof PROPOSE_FORM_FIELDS)[number];

/** The form's raw text, one entry per field (missing entries read as empty). */
export type ProposeFormInput = Partial<Readonly<Record<ProposeFormField, string>>>;

export type ProposeFormResult =
  | { readonly ok: true; readonly peer: string; readonly request: ProposeRequest }
  | {
      readonly ok: false;
      /** A message for each field that is wrong. */
      readonly errors: Partial<Record<ProposeFormField, string>>;
      /** The one message the form shows: the first wrong field's, in form order (numbers share one). */
      readonly message: string;
    };

/** Shown for the first of amount, price or fee rate that is not a whole number above 0 (English source text). */
export const NUMBERS_MESSAGE = 'Amount, price and fee rate must be whole numbers above 0.';

/** NUMBERS_MESSAGE in the active language. */
const numbersMessage = () => msg('Amount, price and fee rate must be whole numbers above 0.');

/** The message of each field, in the active language. */
const fieldMessages = () =>
  ({
    peer: msg('Choose a connected peer.'),
    'asset-id': msg('Asset id must be block:tx, e.g. 840000:3.'),
    amount: msg('Amount must be a whole number above 0.'),
    price: msg('Price must be a whole number above 0.'),
    fee: msg('Fee rate must be a whole number above 0.'),
  }) as const satisfies Partial<Record<ProposeFormField, string>>;

/** `block:tx` */
const ASSET_ID = /^\d+:\d+$/;
/** A whole number above 0, at most 39 digits (u128 fits). */
const WHOLE = /^[1-9]\d{0,38}$/;

/** Reads the form's fields from anything with `get(name)` (a `FormData`), as trimmed text. */
export function readProposeForm(data: { get(name: string): unknown }): ProposeFormInput {
  const input: Partial<Record<ProposeFormField, string>> = {};
  for (const name of PROPOSE_FORM_FIELDS) input[name] = String(data.get(name) ?? '').trim();
  return input;
}

/**
 * Validates the propose form: the peer must be chosen, the asset id must be `block:tx`, and amount, price and
 * fee rate must be whole numbers above 0. Role and asset kind default to `buyer` and `rune`.
 */
export function validateProposeForm(input: ProposeFormInput): ProposeFormResult {
  const text = (name: ProposeFormField) => (input[name] ?? '').trim();
  const errors: Partial<Record<ProposeFormField, string>> = {};
  const FIELD_MESSAGES = fieldMessages();
  if (!text('peer')) errors.peer = FIELD_MESSAGES.peer;
  if (!ASSET_ID.test(text('asset-id'))) errors['asset-id'] = FIELD_MESSAGES['asset-id'];
  for (const n of ['amount', 'price', 'fee'] as const) if (!WHOLE.test(text(n))) errors[n] = FIELD_MESSAGES[n];
  const message = errors.peer ?? errors['asset-id'] ?? (errors.amount || errors.price || errors.fee ? numbersMessage() : undefined);
  if (message) return { ok: false, errors, message };
  return {
    ok: true,
    peer: text('peer'),
    request: {
      role: text('role') === 'seller' ? 'seller' : 'buyer',
      asset: { kind: text('kind') === 'alkane' ? 'alkane' : 'rune', id: text('asset-id') },
      amount: BigInt(text('amount')),
      priceSats: BigInt(text('price')),
      feeRate: BigInt(text('fee')),
    },
  };
}
