/**
 * The wallets' recorded answer formats (wallet-responses.fixtures.ts) read into the kit's accounts and
 * errors, and which installed wallets the page offers (detection from injected providers).
 */
import { expect } from '@open-wc/testing';
import { LeatherWallet } from './leather.js';
import { detectWallets, loadWallet } from './providers.js';
import { UnisatWallet } from './unisat.js';
import { isWalletError } from './wallet-error.js';
import {
  LEATHER_GET_ADDRESSES,
  LEATHER_USER_REJECTION,
  UNISAT_GET_CHAIN,
  UNISAT_GET_CHAIN_TESTNET4,
  UNISAT_GET_NETWORK,
  UNISAT_GET_PUBLIC_KEY,
  UNISAT_REQUEST_ACCOUNTS,
  UNISAT_USER_REJECTION,
  VECTOR_KEYS,
  XVERSE_GET_ADDRESSES,
  XVERSE_GET_NETWORK,
} from './wallet-responses.fixtures.js';
import { XverseWallet, type SatsConnectResult } from './xverse.js';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isWalletError(e), String(e)).to.equal(true);
    return (e as { code: string }).code;
  }
  return 'resolved';
}

const xverseWin = (answer: (method: string, params: unknown) => unknown, calls: [string, unknown][] = []) => ({
  XverseProviders: { BitcoinProvider: { request: async (m: string, p: unknown) => (calls.push([m, p]), answer(m, p)) } },
});

describe('wallet formats: Xverse (sats-connect)', () => {
  it('reads the recorded getAddresses answer: nested-segwit payment and taproot ordinals, keys checked against addresses', async () => {
    const calls: [string, unknown][] = [];
    const w = new XverseWallet({ network: 'mainnet', win: xverseWin(() => XVERSE_GET_ADDRESSES, calls) });
    const accounts = await w.connect();
    expect(calls[0]![0]).to.equal('getAddresses');
    expect((calls[0]![1] as { purposes: string[] }).purposes).to.deep.equal(['payment', 'ordinals']);
    expect(accounts).to.deep.equal([
      { address: VECTOR_KEYS.p2shP2wpkh.address, publicKey: VECTOR_KEYS.p2shP2wpkh.publicKey, addressType: 'p2sh-p2wpkh', purpose: 'payment' },
      { address: VECTOR_KEYS.p2tr.address, publicKey: `02${VECTOR_KEYS.p2tr.internalKey}`, addressType: 'p2tr', purpose: 'ordinals' },
    ]);
    expect(await code(new XverseWallet({ network: 'regtest', win: xverseWin(() => XVERSE_GET_ADDRESSES) }).connect())).to.equal('wrong-network');
  });

  it('without a network in getAddresses it asks wallet_getNetwork (Testnet4 here) and refuses a mainnet site', async () => {
    const { network: _omit, ...result } = XVERSE_GET_ADDRESSES.result;
    void _omit;
    const win = xverseWin((m) => (m === 'getAddresses' ? { ...XVERSE_GET_ADDRESSES, result } : XVERSE_GET_NETWORK));
    const w = new XverseWallet({ network: 'mainnet', win });
    try {
      await w.connect();
      throw new Error('connected');
    } catch (e) {
      expect((e as { code: string }).code).to.equal('wrong-network');
      expect((e as Error).message).to.contain('Testnet4');
    }
  });

  it('a public key that is not the address’s → malformed', async () => {
    const forged = structuredClone(XVERSE_GET_ADDRESSES) as unknown as { result: { addresses: { publicKey: string }[] } };
    forged.result.addresses[1]!.publicKey = VECTOR_KEYS.p2wpkh.publicKey.slice(2);
    expect(await code(new XverseWallet({ network: 'mainnet', win: xverseWin(() => forged) }).connect())).to.equal('malformed');
  });

  it('goes through sats-connect’s own request() when the page hands it over ({status} results)', async () => {
    const seen: [string, unknown, string | undefined][] = [];
    const satsConnectRequest = async (method: string, params: unknown, providerId?: string): Promise<SatsConnectResult> => {
      seen.push([method, params, providerId]);
      return method === 'getAddresses'
        ? { status: 'success', result: XVERSE_GET_ADDRESSES.result }
        : { status: 'error', error: { code: -32000, message: 'User rejected' } };
    };
    const w = new XverseWallet({ network: 'mainnet', win: {}, satsConnectRequest });
    expect((await w.connect()).length).to.equal(2);
    expect(seen[0]![2]).to.equal('XverseProviders.BitcoinProvider');
    expect(await code(w.signPsbt(new Uint8Array([1]), { inputs: [], finalize: false }))).to.equal('failed');
  });
});

describe('wallet formats: UniSat', () => {
  const unisat = (chain: unknown, extra: Record<string, unknown> = {}) => ({
    unisat: {
      requestAccounts: async () => [...UNISAT_REQUEST_ACCOUNTS],
      getPublicKey: async () => UNISAT_GET_PUBLIC_KEY,
      ...(chain ? { getChain: async () => chain } : {}),
      signPsbt: async () => '',
      ...extra,
    },
  });

  it('reads requestAccounts, getPublicKey and getChain into one native-segwit account on mainnet', async () => {
    const accounts = await new UnisatWallet({ network: 'mainnet', win: unisat(UNISAT_GET_CHAIN) }).connect();
    expect(accounts).to.deep.equal([
      { address: VECTOR_KEYS.p2wpkh.address, publicKey: VECTOR_KEYS.p2wpkh.publicKey, addressType: 'p2wpkh', purpose: 'payment' },
    ]);
  });

  it('getChain BITCOIN_TESTNET4 on a mainnet site → wrong-network; an older wallet with getNetwork "livenet" is mainnet', async () => {
    expect(await code(new UnisatWallet({ network: 'mainnet', win: unisat(UNISAT_GET_CHAIN_TESTNET4) }).connect())).to.equal('wrong-network');
    const old = unisat(undefined, { getNetwork: async () => UNISAT_GET_NETWORK });
    expect((await new UnisatWallet({ network: 'mainnet', win: old }).connect())[0]!.addressType).to.equal('p2wpkh');
  });

  it('the recorded rejection ({code: 4001}) → rejected', async () => {
    const win = unisat(UNISAT_GET_CHAIN, { requestAccounts: async () => Promise.reject({ ...UNISAT_USER_REJECTION }) });
    expect(await code(new UnisatWallet({ network: 'mainnet', win }).connect())).to.equal('rejected');
  });
});

describe('wallet formats: Leather', () => {
  it('reads getAddresses: the BTC native-segwit and taproot accounts (Stacks ignored), network from the address', async () => {
    const accounts = await new LeatherWallet({ network: 'mainnet', win: { LeatherProvider: { request: async () => LEATHER_GET_ADDRESSES } } }).connect();
    expect(accounts.map((a) => [a.addressType, a.purpose, a.address])).to.deep.equal([
      ['p2wpkh', 'payment', VECTOR_KEYS.p2wpkh.address],
      ['p2tr', 'ordinals', VECTOR_KEYS.p2tr.address],
    ]);
    expect(accounts[1]!.publicKey).to.equal(`02${VECTOR_KEYS.p2tr.internalKey}`);
    const regtestSite = new LeatherWallet({ network: 'regtest', win: { LeatherProvider: { request: async () => LEATHER_GET_ADDRESSES } } });
    expect(await code(regtestSite.connect())).to.equal('wrong-network');
  });

  it('the recorded rejection (a rejected promise carrying the error envelope) → rejected', async () => {
    const win = { LeatherProvider: { request: () => Promise.reject(LEATHER_USER_REJECTION) } };
    expect(await code(new LeatherWallet({ network: 'mainnet', win }).connect())).to.equal('rejected');
  });
});

describe('wallet detection', () => {
  it('lists Xverse, other sats-connect wallets from btc_providers (names as short text), UniSat and Leather; skips what is not there', async () => {
    const request = async () => ({ jsonrpc: '2.0', result: null });
    const win = {
      XverseProviders: { BitcoinProvider: { request } },
      magicEden: { bitcoin: { request } },
      LeatherProvider: { request },
      unisat: { requestAccounts: async () => [], signPsbt: async () => '' },
      btc_providers: [
        { id: 'XverseProviders.BitcoinProvider', name: 'Xverse Wallet' },
        { id: 'magicEden.bitcoin', name: `Magic\u0000 Eden ${'x'.repeat(80)}` },
        { id: 'LeatherProvider', name: 'Leather' },
        { id: 'ghost.bitcoin', name: 'Not injected' },
        { id: 'constructor.__proto__', name: 'Hostile' },
      ],
    };
    const found = detectWallets(win);
    expect(found.map((w) => w.id)).to.deep.equal(['xverse', 'sats-connect:magicEden.bitcoin', 'unisat', 'leather']);
    expect(found[1]!.name).to.have.length(40);
    expect(found[1]!.name.startsWith('Magic Eden')).to.equal(true);
    expect(detectWallets({})).to.deep.equal([]);
    const me = await loadWallet(found[1]!, { network: 'mainnet', win });
    expect(me).to.be.instanceOf(XverseWallet);
    expect(me.id).to.equal('sats-connect:magicEden.bitcoin');
    expect(await loadWallet(found[2]!, { network: 'mainnet', win })).to.be.instanceOf(UnisatWallet);
    expect(await loadWallet(found[3]!, { network: 'mainnet', win })).to.be.instanceOf(LeatherWallet);
  });
});
