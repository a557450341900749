/**
 * Recorded answer formats of the three wallet APIs, as their documentation and type packages give them
 * (sats-connect 4.2.1 / @sats-connect/core 0.10 schemas and docs.xverse.app; UniSat's provider docs;
 * @leather.io/rpc 2.21 schemas). Shapes are the wallets'; the keys and addresses are the BIP-84/BIP-86 test
 * vectors of the "abandon … about" mnemonic (so each public key really is its address's key), and the
 * P2SH-P2WPKH one is that key's nested-segwit address. The fake providers answer in exactly these shapes.
 */

/** BIP-84 m/84'/0'/0'/0/0 and BIP-86 m/86'/0'/0'/0/0 of "abandon abandon … about". */
export const VECTOR_KEYS = {
  p2wpkh: { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', publicKey: '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c' },
  p2tr: {
    address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
    internalKey: 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115',
  },
  p2shP2wpkh: { address: '36NvZTcMsMowbt78wPzJaHHWaNiyR73Y4g', publicKey: '03a1af804ac108a8a51782198c2d034b28bf90c8803f5a53f76276fa69a4eae77f' },
} as const;

/** Xverse `request('getAddresses', {purposes: ['payment', 'ordinals']})`: the provider's JSON-RPC answer. */
export const XVERSE_GET_ADDRESSES = {
  jsonrpc: '2.0',
  id: '0b5e1b0c-4b1f-4d0e-9a44-3f8f0a1c2d3e',
  result: {
    addresses: [
      { address: VECTOR_KEYS.p2shP2wpkh.address, publicKey: VECTOR_KEYS.p2shP2wpkh.publicKey, purpose: 'payment', addressType: 'p2sh', walletType: 'software' },
      { address: VECTOR_KEYS.p2tr.address, publicKey: VECTOR_KEYS.p2tr.internalKey, purpose: 'ordinals', addressType: 'p2tr', walletType: 'software' },
    ],
    network: { bitcoin: { name: 'Mainnet' }, stacks: { name: 'mainnet' }, spark: { name: 'mainnet' } },
  },
} as const;

/** Xverse `wallet_getNetwork`. */
export const XVERSE_GET_NETWORK = {
  jsonrpc: '2.0',
  id: '1',
  result: { bitcoin: { name: 'Testnet4' }, stacks: { name: 'testnet' }, spark: { name: 'regtest' } },
} as const;

/** Xverse `signPsbt`: the base64 PSBT comes back (a txid only when it broadcast). */
export const XVERSE_SIGN_PSBT = { jsonrpc: '2.0', id: '2', result: { psbt: '<base64 PSBT>' } } as const;

/** Xverse: the user closed or declined the prompt (sats-connect `RpcErrorCode.USER_REJECTION`). */
export const XVERSE_USER_REJECTION = { jsonrpc: '2.0', id: '3', error: { code: -32000, message: 'User rejected the request.' } } as const;

/** Xverse: no permission for this site (`RpcErrorCode.ACCESS_DENIED`). */
export const XVERSE_ACCESS_DENIED = { jsonrpc: '2.0', id: '4', error: { code: -32002, message: 'Access denied.' } } as const;

/** UniSat `requestAccounts()` / `getPublicKey()` / `getChain()` / `getNetwork()` (older versions). */
export const UNISAT_REQUEST_ACCOUNTS = [VECTOR_KEYS.p2wpkh.address] as const;
export const UNISAT_GET_PUBLIC_KEY = VECTOR_KEYS.p2wpkh.publicKey;
export const UNISAT_GET_CHAIN = { enum: 'BITCOIN_MAINNET', name: 'Bitcoin Mainnet', network: 'livenet' } as const;
export const UNISAT_GET_CHAIN_TESTNET4 = { enum: 'BITCOIN_TESTNET4', name: 'Bitcoin Testnet4', network: 'testnet' } as const;
export const UNISAT_GET_NETWORK = 'livenet';
/** UniSat `signPsbt(hex, options)` resolves to the signed PSBT in hex; a rejection is thrown as this. */
export const UNISAT_USER_REJECTION = { code: 4001, message: 'User rejected the request.' } as const;

/** Leather `request('getAddresses')`. */
export const LEATHER_GET_ADDRESSES = {
  jsonrpc: '2.0',
  id: 'c2a0a9e2-8f0e-4d4e-8d8a-0d7b0d7a1f11',
  result: {
    addresses: [
      {
        symbol: 'BTC',
        type: 'p2wpkh',
        address: VECTOR_KEYS.p2wpkh.address,
        publicKey: VECTOR_KEYS.p2wpkh.publicKey,
        derivationPath: "m/84'/0'/0'/0/0",
        descriptor:
          "wpkh([73c5da0a/84'/0'/0']xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/0/0)",
      },
      {
        symbol: 'BTC',
        type: 'p2tr',
        address: VECTOR_KEYS.p2tr.address,
        publicKey: `02${VECTOR_KEYS.p2tr.internalKey}`,
        tweakedPublicKey: 'a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c',
        derivationPath: "m/86'/0'/0'/0/0",
        descriptor:
          "tr([73c5da0a/86'/0'/0']xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ/0/0)",
      },
      { symbol: 'STX', address: 'SP2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKNRV9EJ7', publicKey: '0329b076bc20f7b1592b2a1a5cb91dfefe8c966e50e256458e23dd2c5d63f8f1af' },
    ],
  },
} as const;

/** Leather `signPsbt`: the signed PSBT in hex (a txid only when it broadcast). */
export const LEATHER_SIGN_PSBT = { jsonrpc: '2.0', id: '5', result: { hex: '<hex PSBT>' } } as const;

/** Leather rejects the request promise with the error envelope (`RpcErrorCode.USER_REJECTION`). */
export const LEATHER_USER_REJECTION = { jsonrpc: '2.0', id: '6', error: { code: 4001, message: 'User rejected request' } } as const;
