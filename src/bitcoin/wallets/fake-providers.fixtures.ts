/**
 * Fake browser-wallet providers for tests: objects shaped like what Xverse (sats-connect JSON-RPC), UniSat
 * (`window.unisat`) and Leather (`window.LeatherProvider`) inject, answering in their recorded formats
 * (wallet-responses.fixtures.ts) and really signing with a `MemoryWallet`'s keys. A `mode` switch makes them
 * misbehave the ways real wallets can: decline, be locked, be on another network, never answer, answer
 * nonsense, or sign something else than what they were handed.
 */
import { Transaction } from '@scure/btc-signer';
import { fromBase64, toBase64 } from '../../core/bytes.js';
import { fromHex, toHex } from '../bytes.js';
import type { MemoryWallet } from '../memory-wallet.js';
import { scriptToAddress } from '../network.js';
import { PARSE_TX_OPTS } from '../psbt-build.js';
import type { BitcoinNetwork } from '../wire.js';
import { LEATHER_USER_REJECTION, UNISAT_USER_REJECTION, XVERSE_ACCESS_DENIED, XVERSE_USER_REJECTION } from './wallet-responses.fixtures.js';

export const FAKE_MODES = [
  'ok',
  'reject',
  'locked',
  'not-connected',
  'hang',
  'garbage',
  'not-rpc',
  'change-output',
  'change-input',
  'extra-input',
  'sign-other-input',
  'sighash-none',
  'unsigned',
] as const;
export type FakeMode = (typeof FAKE_MODES)[number];

export interface FakeCall {
  readonly method: string;
  readonly params: unknown;
}

export interface FakeProvider {
  /** The page-like object the provider is injected into (pass it as the adapter's `win`). */
  readonly win: Record<string, unknown>;
  readonly calls: FakeCall[];
  mode: FakeMode;
  /** The network the wallet says it is on (default: its keys' network). */
  network: BitcoinNetwork | 'testnet';
  /** Only for these methods does `mode` apply (default: all). */
  only: readonly string[] | undefined;
}

const never = () => new Promise<never>(() => undefined);

/** Signs `psbt` with the memory wallet's keys for `indexes`, misbehaving as `mode` says. */
async function fakeSign(wallet: MemoryWallet, psbt: Uint8Array, indexes: readonly number[], mode: FakeMode): Promise<Uint8Array> {
  if (mode === 'unsigned') return psbt;
  const tx = Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  // A wallet that redirects the first output (the buyer's asset) to one of its own scripts.
  if (mode === 'change-output') tx.updateOutput(0, { script: fromHex(wallet.scripts()[0]!) }, true);
  if (mode === 'change-input') tx.updateInput(indexes[0]!, { sequence: 0xfffffffd - 1 }, true);
  if (mode === 'extra-input') {
    tx.addInput({ txid: new Uint8Array(32).fill(7), index: 1, witnessUtxo: { script: tx.getInput(indexes[0]!).witnessUtxo!.script, amount: 5_000n } });
  }
  wallet.fault = mode === 'sign-other-input' ? 'sign-extra-input' : mode === 'sighash-none' ? 'sighash-none' : 'none';
  const inputs = indexes.map((index) => {
    const script = tx.getInput(index).witnessUtxo!.script;
    return { index, address: scriptToAddress(script, wallet.network) ?? '', publicKey: '', sighash: 'ALL' as const };
  });
  try {
    return await wallet.signPsbt(tx.toPSBT(0), { inputs, finalize: false });
  } finally {
    wallet.fault = 'none';
  }
}

function fake(network: BitcoinNetwork): FakeProvider {
  return { win: {}, calls: [], mode: 'ok', network, only: undefined };
}

const applies = (f: FakeProvider, method: string) => !f.only || f.only.includes(method);

const XVERSE_NETWORK: Record<string, string> = { mainnet: 'Mainnet', testnet4: 'Testnet4', signet: 'Signet', regtest: 'Regtest', testnet: 'Testnet' };

/** An Xverse-like sats-connect provider at `win.XverseProviders.BitcoinProvider` (or `path`). */
export function fakeXverse(wallet: MemoryWallet, options: { path?: string } = {}): FakeProvider {
  const f = fake(wallet.network);
  const request = async (method: string, params: unknown): Promise<unknown> => {
    f.calls.push({ method, params });
    const id = String(f.calls.length);
    const mode = applies(f, method) ? f.mode : 'ok';
    if (mode === 'hang') return never();
    if (mode === 'reject') return { ...XVERSE_USER_REJECTION, id };
    if (mode === 'not-connected') return { ...XVERSE_ACCESS_DENIED, id };
    if (mode === 'locked') return { jsonrpc: '2.0', id, error: { code: -32603, message: 'Wallet is locked' } };
    if (mode === 'not-rpc') return { ok: true };
    switch (method) {
      case 'getAddresses':
        return {
          jsonrpc: '2.0',
          id,
          result: {
            addresses: wallet.accountsSync().map((a) => ({
              address: a.address,
              publicKey: a.addressType === 'p2tr' ? a.publicKey.slice(2) : a.publicKey,
              purpose: a.purpose,
              addressType: a.addressType,
              walletType: 'software',
            })),
            network: { bitcoin: { name: XVERSE_NETWORK[f.network] }, stacks: { name: 'mainnet' }, spark: { name: 'mainnet' } },
          },
        };
      case 'signPsbt': {
        const p = params as { psbt: string; signInputs: Record<string, number[]>; broadcast?: boolean };
        if (mode === 'garbage') return { jsonrpc: '2.0', id, result: { psbt: 'bm90IGEgcHNidA==' } };
        const indexes = Object.values(p.signInputs).flat();
        const signed = await fakeSign(wallet, fromBase64(p.psbt), indexes, mode);
        return { jsonrpc: '2.0', id, result: { psbt: toBase64(signed) } };
      }
      case 'signMessage': {
        const p = params as { address: string; message: string; protocol?: string };
        const signature = mode === 'garbage' ? 'AkcwRAIg' : await wallet.signMessage(p.message, p.address);
        return { jsonrpc: '2.0', id, result: { signature, messageHash: '', address: p.address, protocol: p.protocol ?? 'BIP322' } };
      }
      case 'wallet_renouncePermissions':
        return { jsonrpc: '2.0', id, result: null };
      default:
        return { jsonrpc: '2.0', id, error: { code: -32601, message: `Method ${method} not found` } };
    }
  };
  const path = options.path ?? 'XverseProviders.BitcoinProvider';
  const [head, tail] = path.split('.') as [string, string | undefined];
  f.win[head] = tail ? { [tail]: { request } } : { request };
  return f;
}

const UNISAT_CHAIN: Record<string, { enum: string; name: string; network: string }> = {
  mainnet: { enum: 'BITCOIN_MAINNET', name: 'Bitcoin Mainnet', network: 'livenet' },
  testnet4: { enum: 'BITCOIN_TESTNET4', name: 'Bitcoin Testnet4', network: 'testnet' },
  signet: { enum: 'BITCOIN_SIGNET', name: 'Bitcoin Signet', network: 'testnet' },
  regtest: { enum: 'BITCOIN_REGTEST', name: 'Bitcoin Regtest', network: 'testnet' },
  testnet: { enum: 'BITCOIN_TESTNET', name: 'Bitcoin Testnet3', network: 'testnet' },
};

/** A UniSat-like `win.unisat` whose one account is the memory wallet's `type` key. */
export function fakeUnisat(wallet: MemoryWallet, type: 'p2wpkh' | 'p2tr' = 'p2tr'): FakeProvider {
  const f = fake(wallet.network);
  const account = wallet.accountsSync().find((a) => a.addressType === type)!;
  const call = async <T>(method: string, params: unknown, answer: () => Promise<T> | T): Promise<T> => {
    f.calls.push({ method, params });
    const mode = applies(f, method) ? f.mode : 'ok';
    if (mode === 'hang') return never();
    if (mode === 'reject') throw { ...UNISAT_USER_REJECTION };
    if (mode === 'locked') throw { code: -32603, message: 'The wallet is locked' };
    if (mode === 'not-rpc') return 42 as T;
    return answer();
  };
  f.win.unisat = {
    requestAccounts: () => call('requestAccounts', undefined, () => [account.address]),
    getAccounts: () => call('getAccounts', undefined, () => [account.address]),
    getPublicKey: () => call('getPublicKey', undefined, () => account.publicKey),
    getChain: () => call('getChain', undefined, () => UNISAT_CHAIN[f.network]),
    getNetwork: () => call('getNetwork', undefined, () => (f.network === 'mainnet' ? 'livenet' : 'testnet')),
    signMessage: (message: string, type: string) =>
      call('signMessage', { message, type }, async () => (f.mode === 'garbage' ? 'AkcwRAIg' : wallet.signMessage(message, account.address))),
    signPsbt: (hex: string, options: { toSignInputs: { index: number }[] }) =>
      call('signPsbt', { hex, options }, async () => {
        if (f.mode === 'garbage') return 'deadbeef';
        return toHex(
          await fakeSign(
            wallet,
            fromHex(hex),
            options.toSignInputs.map((i) => i.index),
            f.mode,
          ),
        );
      }),
  };
  return f;
}

/** A Leather-like `win.LeatherProvider`: resolves with a JSON-RPC envelope, rejects with one on error. */
export function fakeLeather(wallet: MemoryWallet): FakeProvider {
  const f = fake(wallet.network);
  const request = async (method: string, params?: unknown): Promise<unknown> => {
    f.calls.push({ method, params });
    const id = String(f.calls.length);
    const mode = applies(f, method) ? f.mode : 'ok';
    if (mode === 'hang') return never();
    if (mode === 'reject') throw { ...LEATHER_USER_REJECTION, id };
    if (mode === 'locked') throw { jsonrpc: '2.0', id, error: { code: 16, message: 'Unauthenticated' } };
    if (mode === 'not-connected') throw { jsonrpc: '2.0', id, error: { code: 7, message: 'Permission denied' } };
    if (mode === 'not-rpc') return 'yes';
    switch (method) {
      case 'getAddresses':
        return {
          jsonrpc: '2.0',
          id,
          result: {
            addresses: [
              ...wallet.accountsSync().map((a) => ({
                symbol: 'BTC',
                type: a.addressType,
                address: a.address,
                publicKey: a.publicKey,
                derivationPath: a.addressType === 'p2tr' ? "m/86'/1'/0'/0/0" : "m/84'/1'/0'/0/0",
              })),
              {
                symbol: 'STX',
                address: 'ST2J6ZY48GV1EZ5V2V5RB9MP66SW86PYKKQ9H6DPR',
                publicKey: '0329b076bc20f7b1592b2a1a5cb91dfefe8c966e50e256458e23dd2c5d63f8f1af',
              },
            ],
          },
        };
      case 'signPsbt': {
        const p = params as { hex: string; signAtIndex: number | number[] };
        if (mode === 'garbage') return { jsonrpc: '2.0', id, result: { hex: 'zz' } };
        const indexes = Array.isArray(p.signAtIndex) ? p.signAtIndex : [p.signAtIndex];
        return { jsonrpc: '2.0', id, result: { hex: toHex(await fakeSign(wallet, fromHex(p.hex), indexes, mode)) } };
      }
      case 'signMessage': {
        const p = params as { message: string; paymentType: 'p2wpkh' | 'p2tr' };
        const address = wallet.address(p.paymentType);
        const signature = mode === 'garbage' ? 'AkcwRAIg' : await wallet.signMessage(p.message, address);
        return { jsonrpc: '2.0', id, result: { signature, address, message: p.message } };
      }
      default:
        throw { jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } };
    }
  };
  f.win.LeatherProvider = { request };
  return f;
}
