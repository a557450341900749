/**
 * In-memory implementations of the host interfaces, for tests and the demo: `MemoryWallet` (deterministic
 * keys from a seed; P2WPKH and P2TR accounts; fault switches for the tamper tests; a real counter of
 * `signPsbt` calls) and `MemoryIndexer` (an outpoint ledger that funds test outputs, answers `AssetIndexer`
 * queries and, on `broadcast`, checks every signature and applies the runes/alkanes transfer rules).
 * Regtest by default. Never use these keys for real funds: they are derived from a public seed string.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { p2tr, p2wpkh, SigHash, Transaction } from '@scure/btc-signer';
import { equalBytes, fromHex, outpointKey, toHex } from './bytes.js';
import { addressToScript, networkParams, scriptToAddress, type BitcoinNetwork, type SpendableType } from './network.js';
import { PARSE_TX_OPTS } from './psbt-build.js';
import { bip322ToSign, encodeWitness } from './wallets/bip322.js';
import { toBase64 } from '../core/bytes.js';
import { decipherRunestone } from './runestone.js';
import { checkWitness, type Prevout } from './signature.js';
import { simulateAlkanes, simulateRunes, type Balances } from './simulate.js';
import type { SwapInput } from './terms.js';
import type { AssetBalance, AssetIndexer, ChainSource, OutputInfo, SignPsbtRequest, SpendInfo, TxStatus, WalletAccount, WalletAdapter } from './wallet.js';

/** Misbehaviours a test can switch on. */
export const MEMORY_WALLET_FAULTS = [
  'none',
  'sighash-none',
  'sighash-single-acp',
  'sign-extra-input',
  'finalize',
  'modify-tx',
  'reject',
  'extra-fields',
] as const;
export type MemoryWalletFault = (typeof MEMORY_WALLET_FAULTS)[number];

/** Where a MemoryWallet lists its outputs and broadcasts: a MemoryIndexer, or chain adapters (`connectChain`). */
export type WalletLedger = Pick<AssetIndexer, 'listSpendable'> & { broadcast(txHex: string): Promise<string> };

interface Key {
  readonly type: SpendableType;
  readonly priv: Uint8Array;
  /** Compressed. */
  readonly pub: Uint8Array;
  readonly script: Uint8Array;
  readonly address: string;
}

export class MemoryWallet implements WalletAdapter {
  readonly id = 'memory';
  readonly network: BitcoinNetwork;
  /** Misbehaviour for the next signatures (tests). */
  fault: MemoryWalletFault = 'none';
  readonly #keys: readonly Key[];
  readonly #indexer: WalletLedger | undefined;
  #signCalls = 0;

  constructor(seed: string, options: { network?: BitcoinNetwork; indexer?: WalletLedger } = {}) {
    this.network = options.network ?? 'regtest';
    this.#indexer = options.indexer;
    const net = networkParams(this.network);
    this.#keys = (['p2wpkh', 'p2tr'] as const).map((type) => {
      const priv = sha256(utf8ToBytes(`darkswap/memory-wallet/${type}/${seed}`));
      const pub = secp256k1.getPublicKey(priv, true);
      const pay = type === 'p2wpkh' ? p2wpkh(pub, net) : p2tr(schnorr.getPublicKey(priv), undefined, net);
      return { type, priv, pub, script: pay.script, address: pay.address! };
    });
  }

  /** How many times `signPsbt` was called (rejected calls included). */
  get signCalls(): number {
    return this.#signCalls;
  }

  #key(type: SpendableType): Key {
    return this.#keys.find((k) => k.type === type)!;
  }

  address(type: SpendableType): string {
    return this.#key(type).address;
  }

  /** Hex output scripts of every account (for `VerifyPolicy.myScripts`). */
  scripts(): string[] {
    return this.#keys.map((k) => toHex(k.script));
  }

  accountsSync(): WalletAccount[] {
    return this.#keys.map((k) => ({
      address: k.address,
      publicKey: toHex(k.pub),
      addressType: k.type,
      purpose: k.type === 'p2tr' ? 'ordinals' : 'payment',
    }));
  }

  async getAccounts(): Promise<readonly WalletAccount[]> {
    return this.accountsSync();
  }

  async listUtxos(): Promise<readonly OutputInfo[]> {
    if (!this.#indexer) return [];
    const lists = await Promise.all(this.#keys.map((k) => this.#indexer!.listSpendable(k.address)));
    return lists.flat();
  }

  /** A swap contribution input for an output of this wallet. */
  swapInput(output: OutputInfo): SwapInput {
    const key = this.#keys.find((k) => toHex(k.script) === output.scriptPubKey.toLowerCase());
    if (!key) throw new Error(`output ${output.outpoint} is not this wallet's`);
    const [txid, vout] = output.outpoint.split(':') as [string, string];
    return {
      txid,
      vout: Number(vout),
      value: output.value,
      scriptPubKey: output.scriptPubKey.toLowerCase(),
      addressType: key.type,
      publicKey: key.type === 'p2tr' ? toHex(key.pub.subarray(1)) : toHex(key.pub),
    };
  }

  async signPsbt(psbt: Uint8Array, request: SignPsbtRequest): Promise<Uint8Array> {
    this.#signCalls++;
    if (this.fault === 'reject') throw new Error('the user rejected the signature request');
    const tx = Transaction.fromPSBT(psbt, { allowUnknownOutputs: true });
    const ownerOf = (index: number): Key | undefined => {
      const script = tx.getInput(index).witnessUtxo?.script;
      return script ? this.#keys.find((k) => equalBytes(k.script, script)) : undefined;
    };
    const indexes = request.inputs.map((r) => r.index);
    for (const r of request.inputs) {
      const key = ownerOf(r.index);
      if (!key) throw new Error(`input ${r.index} is not this wallet's`);
      if (r.address !== key.address) throw new Error(`input ${r.index}: address ${r.address} is not the owner`);
    }
    if (this.fault === 'sign-extra-input') {
      for (let i = 0; i < tx.inputsLength; i++) if (!indexes.includes(i) && ownerOf(i)) indexes.push(i);
    }
    for (const index of indexes) {
      const key = ownerOf(index)!;
      const hashType = this.fault === 'sighash-none' ? SigHash.NONE : this.fault === 'sighash-single-acp' ? SigHash.SINGLE_ANYONECANPAY : undefined;
      if (hashType !== undefined) {
        tx.updateInput(index, { sighashType: hashType }, true);
        tx.signIdx(key.priv, index, [hashType]);
      } else {
        tx.signIdx(key.priv, index);
      }
      if (this.fault === 'finalize') tx.finalizeIdx(index);
      // What real wallets add: the key's BIP32 origin (which reveals the wallet's derivation path).
      if (this.fault === 'extra-fields' && key.type === 'p2wpkh') {
        tx.updateInput(index, { bip32Derivation: [[key.pub, { fingerprint: 0x12345678, path: [0x80000054, 0x80000001, 0x80000000, 0, 7] }]] }, true);
      }
    }
    if (this.fault === 'modify-tx') {
      const out = tx.getOutput(0);
      tx.updateOutput(0, { amount: (out.amount ?? 0n) + 1n }, true);
    }
    return tx.toPSBT(0);
  }

  /** A BIP-322 simple signature (base64) of `message` by one of this wallet's addresses. */
  async signMessage(message: string, address: string): Promise<string> {
    const key = this.#keys.find((k) => k.address === address);
    if (!key) throw new Error(`${address} is not this wallet's`);
    const tx = bip322ToSign(key.script, message);
    if (key.type === 'p2tr') tx.updateInput(0, { tapInternalKey: key.pub.subarray(1) });
    tx.signIdx(key.priv, 0);
    tx.finalizeIdx(0);
    return toBase64(encodeWitness(tx.getInput(0).finalScriptWitness!));
  }

  async broadcast(txHex: string): Promise<string> {
    if (!this.#indexer) throw new Error('no ledger to broadcast to');
    return this.#indexer.broadcast(txHex);
  }
}

interface Entry {
  value: bigint;
  scriptPubKey: string;
  spent: boolean;
  confirmations: number;
  runes: AssetBalance[];
  alkanes: AssetBalance[];
  inscriptions: string[];
}

export interface FundOptions {
  readonly runes?: readonly AssetBalance[];
  readonly alkanes?: readonly AssetBalance[];
  readonly inscriptions?: readonly string[];
  readonly confirmations?: number;
  /** Names the funding transaction (its txid is a hash of the label), so replicas of a ledger agree on it. */
  readonly label?: string;
}

/** A transaction the ledger accepted (in its mempool until mined). */
interface LedgerTx {
  readonly inputs: readonly string[];
  readonly outputs: number;
  readonly fee: bigint;
  readonly vsize: number;
  confirmations: number;
}

/** BIP125: a replacement pays at least this much more per vbyte of its own size (sat/vB). */
const INCREMENTAL_RELAY_FEE = 1n;

/**
 * An in-memory ledger of outputs: the `AssetIndexer` of tests and the demo, and a broadcaster that accepts a
 * transaction only if every input exists, is unspent and carries a valid signature (ALL/DEFAULT), and value
 * is conserved; it then applies ord's and protorune's transfer rules to the assets.
 *
 * Accepted transactions sit in a mempool (0 confirmations) until `mine()`. A transaction that spends an
 * output already spent by a mempool transaction replaces it (replace-by-fee, BIP125 rules 3–4) when it pays
 * more in total than everything it replaces plus 1 sat/vB of its own size, and the replaced transactions
 * have no spent outputs; the replaced ones vanish with their outputs. It is also a `ChainSource`
 * (`txStatus`, `spentBy`), and broadcasting a transaction it already has is a no-op that returns its txid.
 */
export class MemoryIndexer implements AssetIndexer, ChainSource {
  readonly network: BitcoinNetwork;
  readonly #outputs = new Map<string, Entry>();
  readonly #txs = new Map<string, LedgerTx>();
  /** Outpoint → the accepted transaction that spends it. */
  readonly #spender = new Map<string, string>();
  /** Replaced txid → the txid that replaced it. */
  readonly replaced = new Map<string, string>();
  #funded = 0;
  /** Sum of what was burned or stranded, per `kind:id` (tests assert it stays empty). */
  readonly lost = new Map<string, bigint>();

  constructor(network: BitcoinNetwork = 'regtest') {
    this.network = network;
  }

  /** Creates a confirmed output paying `address` (or a hex script), with optional assets. */
  fund(address: string, value: bigint, options: FundOptions = {}): OutputInfo {
    const script = addressToScript(address, this.network) ?? fromHex(address);
    const txid = toHex(sha256(utf8ToBytes(`darkswap/memory-indexer/fund/${options.label !== undefined ? `label/${options.label}` : this.#funded++}`)));
    const outpoint = outpointKey(txid, 0);
    this.#outputs.set(outpoint, {
      value,
      scriptPubKey: toHex(script),
      spent: false,
      confirmations: options.confirmations ?? 6,
      runes: [...(options.runes ?? [])],
      alkanes: [...(options.alkanes ?? [])],
      inscriptions: [...(options.inscriptions ?? [])],
    });
    return this.#info(outpoint)!;
  }

  /** Mines `blocks` empty blocks: every output gains that many confirmations. */
  mine(blocks = 1): void {
    if (!Number.isSafeInteger(blocks) || blocks < 1) throw new Error('blocks must be a positive integer');
    for (const e of this.#outputs.values()) e.confirmations += blocks;
    for (const t of this.#txs.values()) t.confirmations += blocks;
  }

  async txStatus(txid: string): Promise<TxStatus> {
    const t = this.#txs.get(txid.toLowerCase());
    if (!t) return { state: 'unknown', confirmations: 0 };
    return { state: t.confirmations > 0 ? 'confirmed' : 'mempool', confirmations: t.confirmations };
  }

  async spentBy(outpoint: string): Promise<SpendInfo | undefined> {
    const txid = this.#spender.get(outpoint.toLowerCase());
    const t = txid ? this.#txs.get(txid) : undefined;
    return txid && t ? { txid, confirmations: t.confirmations } : undefined;
  }

  /** Changes what the ledger says about an outpoint (tests: mark spent, add assets, lie about value). */
  patch(outpoint: string, change: Partial<Omit<Entry, 'scriptPubKey'>> & { scriptPubKey?: string }): void {
    const e = this.#outputs.get(outpoint);
    if (!e) throw new Error(`unknown outpoint ${outpoint}`);
    Object.assign(e, change);
  }

  #info(outpoint: string): OutputInfo | undefined {
    const e = this.#outputs.get(outpoint);
    if (!e) return undefined;
    const address = scriptToAddress(fromHex(e.scriptPubKey), this.network);
    return {
      outpoint,
      value: e.value,
      scriptPubKey: e.scriptPubKey,
      ...(address ? { address } : {}),
      spent: e.spent,
      confirmations: e.confirmations,
      runes: [...e.runes],
      alkanes: [...e.alkanes],
      inscriptions: [...e.inscriptions],
    };
  }

  async getOutputs(outpoints: readonly string[]): Promise<readonly OutputInfo[]> {
    return outpoints.flatMap((o) => this.#info(o.toLowerCase()) ?? []);
  }

  async listSpendable(address: string): Promise<readonly OutputInfo[]> {
    const script = addressToScript(address, this.network);
    if (!script) return [];
    const hex = toHex(script);
    return [...this.#outputs.entries()].filter(([, e]) => !e.spent && e.scriptPubKey === hex).map(([o]) => this.#info(o)!);
  }

  /** Validates and applies a raw transaction; resolves to its txid, rejects with the reason. */
  async broadcast(txHex: string): Promise<string> {
    const tx = Transaction.fromRaw(fromHex(txHex), PARSE_TX_OPTS);
    if (this.#txs.has(tx.id)) return tx.id;
    const prevouts: Prevout[] = [];
    const entries: Entry[] = [];
    const seen = new Set<string>();
    const conflicts = new Set<string>();
    for (let i = 0; i < tx.inputsLength; i++) {
      const input = tx.getInput(i);
      const key = outpointKey(toHex(input.txid!), input.index!);
      const e = this.#outputs.get(key);
      if (!e) throw new Error(`input ${i}: unknown outpoint ${key}`);
      if (seen.has(key)) throw new Error(`input ${i}: ${key} is spent twice`);
      if (e.spent) {
        const by = this.#spender.get(key);
        if (!by || this.#txs.get(by)!.confirmations > 0) throw new Error(`input ${i}: ${key} is already spent`);
        conflicts.add(by);
      }
      seen.add(key);
      prevouts.push({ script: fromHex(e.scriptPubKey), amount: e.value });
      entries.push(e);
    }
    for (let i = 0; i < tx.inputsLength; i++) {
      const input = tx.getInput(i);
      const check = checkWitness(tx, i, prevouts, input.finalScriptWitness, input.finalScriptSig);
      if (!check.ok) throw new Error(`${check.code}: ${check.message}`);
    }
    const scripts = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i).script!);
    const outSum = Array.from({ length: tx.outputsLength }, (_, i) => tx.getOutput(i).amount!).reduce((a, b) => a + b, 0n);
    const fee = prevouts.reduce((a, p) => a + p.amount, 0n) - outSum;
    if (fee < 0n) throw new Error('outputs exceed inputs');
    if (conflicts.size) this.#replace(tx.id, [...conflicts], fee, tx.vsize);
    const artifact = decipherRunestone(scripts);
    const toMap = (list: readonly AssetBalance[]): Balances => new Map(list.map((b) => [b.id, b.amount] as const));
    const runes = simulateRunes(
      artifact,
      entries.map((e) => toMap(e.runes)),
      scripts,
    );
    const alkanes = simulateAlkanes(
      artifact,
      entries.map((e) => toMap(e.alkanes)),
      scripts,
    );
    for (const [kind, r] of [
      ['rune', runes],
      ['alkane', alkanes],
    ] as const) {
      for (const m of [r.burned, r.stranded]) for (const [id, n] of m) this.lost.set(`${kind}:${id}`, (this.lost.get(`${kind}:${id}`) ?? 0n) + n);
    }
    for (const e of entries) e.spent = true;
    const txid = tx.id;
    const inputs = [...seen];
    for (const key of inputs) this.#spender.set(key, txid);
    this.#txs.set(txid, { inputs, outputs: tx.outputsLength, fee, vsize: tx.vsize, confirmations: 0 });
    for (let v = 0; v < tx.outputsLength; v++) {
      const out = tx.getOutput(v);
      const list = (m: Balances): AssetBalance[] => [...m].map(([id, amount]) => ({ id, amount }));
      this.#outputs.set(outpointKey(txid, v), {
        value: out.amount!,
        scriptPubKey: toHex(out.script!),
        spent: false,
        confirmations: 0,
        runes: list(runes.outputs[v]!),
        alkanes: list(alkanes.outputs[v]!),
        inscriptions: [],
      });
    }
    return txid;
  }

  /** BIP125 rules 3–4 and no descendants; then the replaced transactions are evicted with their outputs. */
  #replace(txid: string, conflicts: readonly string[], fee: bigint, vsize: number): void {
    let replacedFee = 0n;
    for (const old of conflicts) {
      const t = this.#txs.get(old)!;
      replacedFee += t.fee;
      for (let v = 0; v < t.outputs; v++) {
        if (this.#outputs.get(outpointKey(old, v))?.spent) throw new Error(`cannot replace ${old}: its outputs are spent`);
      }
      if (fee * BigInt(t.vsize) <= t.fee * BigInt(vsize)) throw new Error(`replacement fee rate is not above ${old}'s`);
    }
    const needed = replacedFee + INCREMENTAL_RELAY_FEE * BigInt(vsize);
    if (fee < needed) throw new Error(`insufficient fee to replace ${conflicts.join(', ')}: ${fee} sats, ${needed} needed`);
    for (const old of conflicts) {
      const t = this.#txs.get(old)!;
      for (const key of t.inputs) {
        this.#spender.delete(key);
        const e = this.#outputs.get(key);
        if (e) e.spent = false;
      }
      for (let v = 0; v < t.outputs; v++) this.#outputs.delete(outpointKey(old, v));
      this.#txs.delete(old);
      this.replaced.set(old, txid);
    }
  }
}
