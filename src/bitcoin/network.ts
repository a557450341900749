/**
 * Networks, addresses and output-script kinds. Pure, no DOM.
 */
import { Address, NETWORK, OutScript, TEST_NETWORK } from '@scure/btc-signer';
import type { BTC_NETWORK } from '@scure/btc-signer/utils.js';

import type { BitcoinNetwork, SpendableType } from './wire.js';

export { BITCOIN_NETWORKS, SPENDABLE_TYPES, type BitcoinNetwork, type SpendableType } from './wire.js';

/** Address and key prefixes; regtest differs from testnet only in its bech32 prefix. */
export function networkParams(network: BitcoinNetwork): BTC_NETWORK {
  if (network === 'mainnet') return NETWORK;
  if (network === 'regtest') return { ...TEST_NETWORK, bech32: 'bcrt' };
  return TEST_NETWORK;
}

/** The output script an address pays to, or undefined when it is not a valid address of this network. */
export function addressToScript(address: string, network: BitcoinNetwork): Uint8Array | undefined {
  try {
    return OutScript.encode(Address(networkParams(network)).decode(address));
  } catch {
    return undefined;
  }
}

/** The address of an output script on this network, or undefined (OP_RETURN, non-standard). */
export function scriptToAddress(script: Uint8Array, network: BitcoinNetwork): string | undefined {
  try {
    return Address(networkParams(network)).encode(OutScript.decode(script));
  } catch {
    return undefined;
  }
}

export type ScriptKind = SpendableType | 'p2sh' | 'p2pkh' | 'p2wsh' | 'op_return' | 'other';

/** Classifies an output script by its exact template. */
export function scriptKind(s: Uint8Array): ScriptKind {
  if (s.length === 22 && s[0] === 0x00 && s[1] === 0x14) return 'p2wpkh';
  if (s.length === 34 && s[0] === 0x51 && s[1] === 0x20) return 'p2tr';
  if (s.length === 34 && s[0] === 0x00 && s[1] === 0x20) return 'p2wsh';
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) return 'p2sh';
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) return 'p2pkh';
  if (s.length > 0 && s[0] === 0x6a) return 'op_return';
  return 'other';
}

/** Bitcoin Core's dust threshold at the default 3 sat/vB relay dust fee, per output kind. */
export function dustThreshold(script: Uint8Array): bigint {
  switch (scriptKind(script)) {
    case 'p2tr':
    case 'p2wsh':
      return 330n;
    case 'p2wpkh':
      return 294n;
    case 'p2sh':
      return 540n;
    case 'op_return':
      return 0n;
    default:
      return 546n;
  }
}
