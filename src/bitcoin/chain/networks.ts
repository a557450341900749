/**
 * How a chain adapter tells which network a server serves: the hash of block 0. Pure, no DOM.
 */
import type { BitcoinNetwork } from '../wire.js';

/** Block 0 of each network (display hex). Signet is the default signet; a custom signet passes its own. */
export const GENESIS_HASHES: Readonly<Record<BitcoinNetwork, string>> = {
  mainnet: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};

/** The network whose genesis block this is (testnet3's is recognised only to name it in the error). */
export function networkOfGenesis(hash: string): BitcoinNetwork | 'testnet3' | undefined {
  const h = hash.toLowerCase();
  if (h === '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943') return 'testnet3';
  return (Object.keys(GENESIS_HASHES) as BitcoinNetwork[]).find((n) => GENESIS_HASHES[n] === h);
}

/** ord's `/status` `chain` names. */
export const ORD_CHAIN_NAMES: Readonly<Record<BitcoinNetwork, string>> = {
  mainnet: 'mainnet',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};
