/**
 * The tamper matrix: every field the counterparty controls, changed one at a time; the verifier must refuse
 * with the precise reason, and `verifyThenSign` must never call the victim's wallet (a real counter).
 */
import { expect } from '@open-wc/testing';
import { Transaction } from '@scure/btc-signer';
import { fromHex, toHex } from './bytes.js';
import { encodeVarint } from './leb128.js';
import { MemoryWallet, type MemoryWalletFault } from './memory-wallet.js';
import { addressToScript } from './network.js';
import { encodeProtostones, protocolValues } from './protostone.js';
import { buildSwapPsbt, PARSE_TX_OPTS, type BuiltSwap } from './psbt-build.js';
import { verifySwapPsbt, type VerifyCode, type VerifyContext } from './psbt-verify.js';
import { encodeRunestone, type RunestoneSpec } from './runestone.js';
import { createSwapScenario, runSwap, type SwapScenario, type SwapScenarioOptions } from './swap-scenario.js';
import type { SwapRole } from './terms.js';
import { verifyThenSign } from './verify-then-sign.js';

type Input = ReturnType<Transaction['getInput']>;
interface Parts {
  version: number;
  lockTime: number;
  inputs: Input[];
  outputs: { script: Uint8Array; amount: bigint }[];
}

/** Rewrites a PSBT field by field (what a malicious peer can do). */
function mutate(psbt: Uint8Array, edit: (p: Parts) => void): Uint8Array {
  const tx = Transaction.fromPSBT(psbt, PARSE_TX_OPTS);
  const parts: Parts = {
    version: tx.version,
    lockTime: tx.lockTime,
    inputs: Array.from({ length: tx.inputsLength }, (_, i) => tx.getInput(i)),
    outputs: Array.from({ length: tx.outputsLength }, (_, i) => ({ script: tx.getOutput(i).script!, amount: tx.getOutput(i).amount! })),
  };
  edit(parts);
  const out = new Transaction({ ...PARSE_TX_OPTS, version: parts.version, lockTime: parts.lockTime });
  for (const i of parts.inputs) out.addInput(i, true);
  for (const o of parts.outputs) out.addOutput(o, true);
  return out.toPSBT(0);
}

const setRunestone = (spec: RunestoneSpec) => (p: Parts) => {
  p.outputs[p.outputs.length - 1]!.script = encodeRunestone(spec);
};
/** A runestone script from raw integers (for fields the encoder will not write). */
const rawRunestone = (ints: bigint[]): Uint8Array => {
  const payload: number[] = [];
  for (const n of ints) encodeVarint(n, payload);
  return Uint8Array.from([0x6a, 0x5d, payload.length, ...payload]);
};
const setScript = (script: Uint8Array) => (p: Parts) => {
  p.outputs[p.outputs.length - 1]!.script = script;
};

const RUNE = { block: 840000n, tx: 3n };
const ALKANE = { block: 2n, tx: 1n };
const edict = (amount: bigint, output: number, id = RUNE) => ({ id, amount, output });
const mallory = new MemoryWallet('mallory');
const malloryScript = addressToScript(mallory.address('p2wpkh'), 'regtest')!;

interface World {
  s: SwapScenario;
  built: BuiltSwap;
  ctx: (role: SwapRole) => Promise<VerifyContext>;
}

function world(options: SwapScenarioOptions = {}): World {
  const s = createSwapScenario({ sellerType: 'p2tr', buyerType: 'p2wpkh', ...options });
  const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
  if (!built.ok) throw new Error(built.message);
  const ctx = async (role: SwapRole): Promise<VerifyContext> => ({
    terms: s.terms,
    role,
    seller: s.seller,
    buyer: s.buyer,
    prevouts: await s.indexer.getOutputs([...s.seller.inputs, ...s.buyer.inputs].map((i) => `${i.txid}:${i.vout}`)),
    policy: s.policy(role),
  });
  return { s, built, ctx };
}

/** Asserts the refusal, then that verifyThenSign with this PSBT as the peer's never reaches the wallet. */
async function expectRefused(w: World, psbt: Uint8Array, role: SwapRole, code: VerifyCode, detail?: string) {
  const r = verifySwapPsbt(psbt, await w.ctx(role));
  expect(r.ok, 'verifier refuses').to.equal(false);
  if (r.ok) return;
  expect(r.code, r.message).to.equal(code);
  if (detail !== undefined) expect(r.detail).to.equal(detail);
  expect(r.message).to.be.a('string').and.not.equal('');
  const wallet = w.s.wallet(role);
  const before = wallet.signCalls;
  const signed = await verifyThenSign({
    terms: w.s.terms,
    role,
    seller: w.s.seller,
    buyer: w.s.buyer,
    wallet,
    indexer: w.s.indexer,
    policy: w.s.policy(role),
    peerPsbt: psbt,
  });
  expect(signed.ok).to.equal(false);
  if (!signed.ok) {
    expect(signed.stage).to.equal('verify-peer');
    expect(signed.code).to.equal(code);
  }
  expect(wallet.signCalls - before, 'signPsbt calls').to.equal(0);
}

interface Case {
  name: string;
  role: SwapRole;
  code: VerifyCode;
  detail?: string;
  kind?: 'rune' | 'alkane';
  tamper: (w: World) => Promise<Uint8Array> | Uint8Array;
}

const cases: Case[] = [
  // ---- shape ----
  { name: 'bytes that are not a PSBT', role: 'buyer', code: 'PSBT_INVALID', tamper: () => fromHex('70736274ff0100') },
  { name: 'transaction version 1', role: 'buyer', code: 'TX_VERSION', tamper: (w) => mutate(w.built.psbt, (p) => void (p.version = 1)) },
  { name: 'a locktime', role: 'seller', code: 'TX_LOCKTIME', tamper: (w) => mutate(w.built.psbt, (p) => void (p.lockTime = 900_000)) },
  // ---- inputs ----
  {
    name: 'an extra input nobody agreed to',
    role: 'seller',
    code: 'INPUT_UNKNOWN',
    tamper: (w) =>
      mutate(w.built.psbt, (p) => {
        const extra = w.s.indexer.fund(mallory.address('p2wpkh'), 5000n);
        p.inputs.push({ txid: fromHex(extra.outpoint.split(':')[0]!), index: 0, sequence: 0xfffffffd, witnessUtxo: { script: malloryScript, amount: 5000n } });
      }),
  },
  {
    name: 'one of my own outputs added as an input without my agreement',
    role: 'buyer',
    code: 'INPUT_MINE_NOT_AGREED',
    tamper: (w) =>
      mutate(w.built.psbt, (p) => {
        const mine = w.s.indexer.fund(w.s.buyerWallet.address('p2tr'), 80_000n);
        p.inputs.push({
          txid: fromHex(mine.outpoint.split(':')[0]!),
          index: 0,
          sequence: 0xfffffffd,
          witnessUtxo: { script: fromHex(mine.scriptPubKey), amount: 80_000n },
        });
      }),
  },
  {
    name: "the buyer's input swapped for another outpoint",
    role: 'seller',
    code: 'INPUT_UNKNOWN',
    tamper: (w) =>
      mutate(w.built.psbt, (p) => {
        const other = w.s.indexer.fund(mallory.address('p2wpkh'), 100_000n);
        p.inputs[1] = { ...p.inputs[1]!, txid: fromHex(other.outpoint.split(':')[0]!), witnessUtxo: { script: malloryScript, amount: 100_000n } };
      }),
  },
  { name: 'inputs in swapped order', role: 'buyer', code: 'INPUT_ORDER', tamper: (w) => mutate(w.built.psbt, (p) => void p.inputs.reverse()) },
  { name: "the seller's input left out", role: 'buyer', code: 'INPUT_MISSING', tamper: (w) => mutate(w.built.psbt, (p) => void p.inputs.shift()) },
  {
    name: 'an input spent twice',
    role: 'seller',
    code: 'INPUT_DUPLICATE',
    tamper: (w) => mutate(w.built.psbt, (p) => void p.inputs.push({ ...p.inputs[1]! })),
  },
  {
    name: 'a final sequence (no RBF)',
    role: 'seller',
    code: 'INPUT_SEQUENCE',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[1]!.sequence = 0xffffffff)),
  },
  {
    name: 'witnessUtxo amount lie on a segwit v0 input (fee hidden from the signer)',
    role: 'seller',
    code: 'PREVOUT_MISMATCH',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[1]!.witnessUtxo = { ...p.inputs[1]!.witnessUtxo!, amount: 90_000n })),
  },
  {
    name: 'witnessUtxo amount lie on a taproot input',
    role: 'buyer',
    code: 'PREVOUT_MISMATCH',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[0]!.witnessUtxo = { ...p.inputs[0]!.witnessUtxo!, amount: 20_000n })),
  },
  {
    name: 'a foreign tapInternalKey on my taproot input',
    role: 'seller',
    code: 'INPUT_TAPROOT_KEY',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[0]!.tapInternalKey = fromHex(mallory.accountsSync()[1]!.publicKey).subarray(1))),
  },
  {
    name: 'a taproot script path on my input',
    role: 'seller',
    code: 'INPUT_TAPROOT_SCRIPT',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[0]!.tapMerkleRoot = new Uint8Array(32).fill(7))),
  },
  // ---- sighash ----
  {
    name: 'sighash NONE requested on my input',
    role: 'buyer',
    code: 'SIGHASH_NOT_ALL',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.inputs[1]!.sighashType = 2)),
  },
  {
    name: 'the peer signed its input with SINGLE|ANYONECANPAY (declared)',
    role: 'buyer',
    code: 'SIGHASH_NOT_ALL',
    tamper: async (w) => {
      w.s.sellerWallet.fault = 'sighash-single-acp';
      return w.s.sellerWallet.signPsbt(w.built.psbt, {
        inputs: [{ index: 0, address: w.s.sellerWallet.address('p2tr'), publicKey: '', sighash: 'DEFAULT' }],
        finalize: false,
      });
    },
  },
  {
    name: 'the peer signed its input with NONE (only the signature says so)',
    role: 'buyer',
    code: 'SIGHASH_NOT_ALL',
    detail: 'SIGHASH_NOT_ALL',
    tamper: async (w) => {
      w.s.sellerWallet.fault = 'sighash-none';
      const signed = await w.s.sellerWallet.signPsbt(w.built.psbt, {
        inputs: [{ index: 0, address: w.s.sellerWallet.address('p2tr'), publicKey: '', sighash: 'DEFAULT' }],
        finalize: false,
      });
      return mutate(signed, (p) => void delete p.inputs[0]!.sighashType);
    },
  },
  {
    name: "the peer's signature is invalid",
    role: 'buyer',
    code: 'SIGNATURE_INVALID',
    detail: 'SIGNATURE_INVALID',
    tamper: async (w) => {
      const signed = await w.s.sellerWallet.signPsbt(w.built.psbt, {
        inputs: [{ index: 0, address: w.s.sellerWallet.address('p2tr'), publicKey: '', sighash: 'DEFAULT' }],
        finalize: false,
      });
      return mutate(signed, (p) => {
        const sig = p.inputs[0]!.tapKeySig!.slice();
        sig[5]! ^= 1;
        p.inputs[0]!.tapKeySig = sig;
      });
    },
  },
  // ---- outputs and fee ----
  { name: 'seller payment −1 sat', role: 'seller', code: 'OUTPUT_VALUE', tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[1]!.amount -= 1n)) },
  { name: 'buyer change −1 sat', role: 'buyer', code: 'OUTPUT_VALUE', tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[3]!.amount -= 1n)) },
  {
    name: "buyer's asset output +10 sats",
    role: 'seller',
    code: 'OUTPUT_VALUE',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[0]!.amount += 10n)),
  },
  {
    name: 'seller payment to another script',
    role: 'seller',
    code: 'OUTPUT_SCRIPT',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[1]!.script = malloryScript)),
  },
  {
    name: "buyer's asset output to another script",
    role: 'buyer',
    code: 'OUTPUT_SCRIPT',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[0]!.script = malloryScript)),
  },
  {
    name: "buyer's asset output below dust",
    role: 'buyer',
    code: 'OUTPUT_DUST',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[0]!.amount = 100n)),
  },
  {
    name: 'an extra output',
    role: 'buyer',
    code: 'OUTPUT_COUNT',
    tamper: (w) =>
      mutate(w.built.psbt, (p) => {
        p.outputs[3]!.amount -= 1000n;
        p.outputs.splice(4, 0, { script: malloryScript, amount: 1000n });
      }),
  },
  {
    name: 'fee too high (buyer change cut)',
    role: 'buyer',
    code: 'FEE_RATE_OUT_OF_BAND',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[3]!.amount -= 5000n)),
  },
  {
    name: 'fee too low (buyer change raised)',
    role: 'seller',
    code: 'FEE_RATE_OUT_OF_BAND',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[3]!.amount += w.built.fee - 10n)),
  },
  {
    name: 'outputs exceed inputs',
    role: 'seller',
    code: 'FEE_NEGATIVE',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[3]!.amount += w.built.fee + 1n)),
  },
  // ---- OP_RETURN ----
  {
    name: 'a second OP_RETURN in place of the buyer change',
    role: 'seller',
    code: 'OP_RETURN_COUNT',
    tamper: (w) => mutate(w.built.psbt, (p) => void (p.outputs[3] = { script: fromHex('6a0401020304'), amount: 0n })),
  },
  {
    name: 'the OP_RETURN moved before the buyer change',
    role: 'buyer',
    code: 'OP_RETURN_POSITION',
    tamper: (w) => mutate(w.built.psbt, (p) => void ([p.outputs[3], p.outputs[4]] = [p.outputs[4]!, p.outputs[3]!])),
  },
  {
    name: 'an OP_RETURN that is not a runestone',
    role: 'buyer',
    code: 'RUNESTONE_MISSING',
    tamper: (w) => mutate(w.built.psbt, setScript(fromHex('6a0401020304'))),
  },
  // ---- runestone ----
  {
    name: 'edict amount 999 instead of 1000',
    role: 'buyer',
    code: 'EDICT_AMOUNT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(999n, 0)] })),
  },
  {
    name: 'edict amount 1001 (seller pays more)',
    role: 'seller',
    code: 'EDICT_AMOUNT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1001n, 0)] })),
  },
  {
    name: 'edict amount 0 ("all remaining")',
    role: 'seller',
    code: 'EDICT_AMOUNT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(0n, 0)] })),
  },
  {
    name: "edict to the seller's change",
    role: 'buyer',
    code: 'EDICT_OUTPUT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 2)] })),
  },
  {
    name: 'edict output = output count (split)',
    role: 'buyer',
    code: 'EDICT_OUTPUT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 5)] })),
  },
  {
    name: 'edict to the OP_RETURN (burn)',
    role: 'buyer',
    code: 'EDICT_OUTPUT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 4)] })),
  },
  {
    name: 'edict for another rune',
    role: 'buyer',
    code: 'EDICT_ID',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 0, { block: 840000n, tx: 4n })] })),
  },
  {
    name: 'a second edict',
    role: 'seller',
    code: 'EDICT_COUNT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 0), edict(400n, 0)] })),
  },
  {
    name: 'pointer to the buyer',
    role: 'seller',
    code: 'RUNESTONE_POINTER',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 0, edicts: [edict(1000n, 0)] })),
  },
  { name: 'no pointer', role: 'seller', code: 'RUNESTONE_POINTER_MISSING', tamper: (w) => mutate(w.built.psbt, setRunestone({ edicts: [edict(1000n, 0)] })) },
  {
    name: 'cenotaph: unrecognized even tag 24',
    role: 'buyer',
    code: 'RUNESTONE_CENOTAPH',
    detail: 'unrecognized_even_tag',
    tamper: (w) => mutate(w.built.psbt, setScript(rawRunestone([22n, 2n, 24n, 1n, 0n, 840000n, 3n, 1000n, 0n]))),
  },
  {
    name: 'cenotaph: pointer beyond the outputs',
    role: 'buyer',
    code: 'RUNESTONE_CENOTAPH',
    detail: 'unrecognized_even_tag',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 9, edicts: [edict(1000n, 0)] })),
  },
  {
    name: 'cenotaph: edict output beyond the outputs',
    role: 'buyer',
    code: 'RUNESTONE_CENOTAPH',
    detail: 'edict_output',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, edicts: [edict(1000n, 6)] })),
  },
  {
    name: 'cenotaph: a non-push opcode in the payload',
    role: 'seller',
    code: 'RUNESTONE_CENOTAPH',
    detail: 'opcode',
    tamper: (w) => mutate(w.built.psbt, setScript(fromHex('6a5d0a160200c0a23303e8070051'))),
  },
  {
    name: 'cenotaph: trailing integers',
    role: 'seller',
    code: 'RUNESTONE_CENOTAPH',
    detail: 'trailing_integers',
    tamper: (w) => mutate(w.built.psbt, setScript(rawRunestone([22n, 2n, 0n, 840000n, 3n, 1000n, 0n, 1n]))),
  },
  {
    name: 'an etching',
    role: 'buyer',
    code: 'RUNESTONE_ETCHING',
    tamper: (w) => mutate(w.built.psbt, setScript(rawRunestone([2n, 1n, 22n, 2n, 0n, 840000n, 3n, 1000n, 0n]))),
  },
  {
    name: 'a mint',
    role: 'buyer',
    code: 'RUNESTONE_MINT',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, mint: { block: 840000n, tx: 9n }, edicts: [edict(1000n, 0)] })),
  },
  {
    name: 'unknown odd tag 25',
    role: 'buyer',
    code: 'RUNESTONE_UNKNOWN_FIELD',
    tamper: (w) => mutate(w.built.psbt, setScript(rawRunestone([25n, 1n, 22n, 2n, 0n, 840000n, 3n, 1000n, 0n]))),
  },
  {
    name: 'a protorune Protocol field on a rune trade',
    role: 'seller',
    code: 'RUNESTONE_PROTOCOL_UNEXPECTED',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({ pointer: 2, edicts: [edict(1000n, 0)], protocol: encodeProtostones([{ protocolTag: 1n, pointer: 0, edicts: [edict(5n, 0, ALKANE)] }]) }),
      ),
  },
  {
    name: 'a non-canonical but equivalent runestone (split pushes)',
    role: 'buyer',
    code: 'TXID_MISMATCH',
    tamper: (w) => mutate(w.built.psbt, setScript(fromHex('6a5d0316020007c0a23303e80700'))),
  },
  // ---- alkanes protostone ----
  {
    name: 'alkanes: no protostone (alkanes stranded)',
    role: 'seller',
    kind: 'alkane',
    code: 'PROTOSTONE_MISSING',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2 })),
  },
  {
    name: 'alkanes: protostone without a pointer (rest to the buyer)',
    role: 'seller',
    kind: 'alkane',
    code: 'PROTOSTONE_POINTER',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, protocol: encodeProtostones([{ protocolTag: 1n, edicts: [edict(1000n, 0, ALKANE)] }]) })),
  },
  {
    name: 'alkanes: refund to the buyer',
    role: 'seller',
    kind: 'alkane',
    code: 'PROTOSTONE_REFUND',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({ pointer: 2, protocol: encodeProtostones([{ protocolTag: 1n, pointer: 2, refund: 0, edicts: [edict(1000n, 0, ALKANE)] }]) }),
      ),
  },
  {
    name: 'alkanes: edict amount 999',
    role: 'buyer',
    kind: 'alkane',
    code: 'EDICT_AMOUNT',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({ pointer: 2, protocol: encodeProtostones([{ protocolTag: 1n, pointer: 2, refund: 2, edicts: [edict(999n, 0, ALKANE)] }]) }),
      ),
  },
  {
    name: "alkanes: edict to the seller's change",
    role: 'buyer',
    kind: 'alkane',
    code: 'EDICT_OUTPUT',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({ pointer: 2, protocol: encodeProtostones([{ protocolTag: 1n, pointer: 2, refund: 2, edicts: [edict(1000n, 2, ALKANE)] }]) }),
      ),
  },
  {
    name: 'alkanes: protocol tag 2 instead of 1',
    role: 'buyer',
    kind: 'alkane',
    code: 'PROTOSTONE_MISSING',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({ pointer: 2, protocol: encodeProtostones([{ protocolTag: 2n, pointer: 2, refund: 2, edicts: [edict(1000n, 0, ALKANE)] }]) }),
      ),
  },
  {
    name: 'alkanes: a contract call (message field)',
    role: 'seller',
    kind: 'alkane',
    code: 'PROTOSTONE_FIELD',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, protocol: protocolValues([1n, 11n, 81n, 5n, 91n, 2n, 93n, 2n, 0n, 2n, 1n, 1000n, 0n]) })),
  },
  {
    name: 'alkanes: two protostones',
    role: 'buyer',
    kind: 'alkane',
    code: 'PROTOSTONE_COUNT',
    tamper: (w) => {
      const one = { protocolTag: 1n, pointer: 2, refund: 2, edicts: [edict(1000n, 0, ALKANE)] };
      return mutate(w.built.psbt, setRunestone({ pointer: 2, protocol: encodeProtostones([one, one]) }));
    },
  },
  {
    name: 'alkanes: a rune edict in the runestone',
    role: 'buyer',
    kind: 'alkane',
    code: 'EDICT_COUNT',
    tamper: (w) =>
      mutate(
        w.built.psbt,
        setRunestone({
          pointer: 2,
          edicts: [edict(1000n, 0, ALKANE)],
          protocol: encodeProtostones([{ protocolTag: 1n, pointer: 2, refund: 2, edicts: [edict(1000n, 0, ALKANE)] }]),
        }),
      ),
  },
  {
    name: 'alkanes: malformed Protocol value',
    role: 'buyer',
    kind: 'alkane',
    code: 'PROTOSTONE_MALFORMED',
    detail: 'chunk_overflow',
    tamper: (w) => mutate(w.built.psbt, setRunestone({ pointer: 2, protocol: [1n << 125n] })),
  },
];

describe('bitcoin: tamper matrix (PSBT fields the counterparty controls)', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.code} (${c.role} refuses, wallet never asked)`, async () => {
      const w = world({ kind: c.kind ?? 'rune' });
      // The untampered PSBT passes for this role: the refusal below is caused by the tamper alone.
      const clean = verifySwapPsbt(w.built.psbt, await w.ctx(c.role));
      expect(clean.ok, 'untampered PSBT verifies').to.equal(true);
      await expectRefused(w, await c.tamper(w), c.role, c.code, c.detail);
    });
  }
});

interface LedgerCase {
  name: string;
  role: SwapRole;
  code: VerifyCode;
  options?: SwapScenarioOptions;
  setup: (s: SwapScenario) => SwapScenario;
}

const ledgerCases: LedgerCase[] = [
  {
    name: "runes hidden on the buyer's funding input",
    role: 'buyer',
    code: 'ASSET_DELTA',
    setup: (s) => (s.indexer.patch(s.buyerUtxos[0]!.outpoint, { runes: [{ id: '900000:1', amount: 5n }] }), s),
  },
  {
    name: "the traded rune on the buyer's input (it would flow to the seller)",
    role: 'buyer',
    code: 'ASSET_DELTA',
    setup: (s) => (s.indexer.patch(s.buyerUtxos[0]!.outpoint, { runes: [{ id: '840000:3', amount: 5n }] }), s),
  },
  {
    name: "alkanes on the seller's rune input (they would be stranded without a protostone)",
    role: 'seller',
    code: 'INPUT_FOREIGN_ASSET',
    setup: (s) => (s.indexer.patch(s.sellerAssetUtxo.outpoint, { alkanes: [{ id: '2:0', amount: 7n }] }), s),
  },
  {
    name: "another rune on the seller's input (the buyer would pay to move it)",
    role: 'buyer',
    code: 'INPUT_FOREIGN_ASSET',
    setup: (s) => (
      s.indexer.patch(s.sellerAssetUtxo.outpoint, {
        runes: [
          { id: '840000:3', amount: 1500n },
          { id: '840000:9', amount: 10n },
        ],
      }),
      s
    ),
  },
  {
    name: 'a seller input that is not needed for the amount (padding paid for by the buyer)',
    role: 'buyer',
    code: 'INPUT_NOT_NEEDED',
    setup: (s) => {
      const extra = s.indexer.fund(s.sellerWallet.address('p2tr'), 10_000n, { runes: [{ id: '840000:3', amount: 1n }] });
      return { ...s, seller: { ...s.seller, inputs: [...s.seller.inputs, s.sellerWallet.swapInput(extra)] } };
    },
  },
  { name: 'the seller holds less than the amount', role: 'buyer', code: 'ASSET_INSUFFICIENT', options: { held: 999n }, setup: (s) => s },
  {
    name: 'an inscription on a funding input',
    role: 'buyer',
    code: 'INPUT_INSCRIPTION',
    setup: (s) => (s.indexer.patch(s.buyerUtxos[0]!.outpoint, { inscriptions: ['ab'.repeat(32) + 'i0'] }), s),
  },
  {
    name: "the peer's input is already spent",
    role: 'buyer',
    code: 'INPUT_SPENT',
    setup: (s) => (s.indexer.patch(s.sellerAssetUtxo.outpoint, { spent: true }), s),
  },
  {
    name: "the peer's input is unconfirmed",
    role: 'seller',
    code: 'INPUT_UNCONFIRMED',
    setup: (s) => (s.indexer.patch(s.buyerUtxos[0]!.outpoint, { confirmations: 0 }), s),
  },
  {
    name: "the peer's contribution lies about its input's value",
    role: 'buyer',
    code: 'PREVOUT_MISMATCH',
    setup: (s) => ({ ...s, seller: { ...s.seller, inputs: [{ ...s.seller.inputs[0]!, value: 20_000n }] } }),
  },
  {
    name: "the peer's input is unknown to the indexer",
    role: 'seller',
    code: 'PREVOUT_UNKNOWN',
    setup: (s) => ({ ...s, buyer: { ...s.buyer, inputs: [{ ...s.buyer.inputs[0]!, txid: 'cd'.repeat(32) }] } }),
  },
];

describe('bitcoin: refusals from the indexer and the contributions (before any PSBT is exchanged)', () => {
  for (const c of ledgerCases) {
    it(`${c.name} → ${c.code}`, async () => {
      const s = c.setup(createSwapScenario({ sellerType: 'p2tr', buyerType: 'p2wpkh', ...c.options }));
      const wallet = s.wallet(c.role);
      const r = await verifyThenSign({ terms: s.terms, role: c.role, seller: s.seller, buyer: s.buyer, wallet, indexer: s.indexer, policy: s.policy(c.role) });
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.stage).to.equal('verify-own');
        expect(r.code, r.message).to.equal(c.code);
      }
      expect(wallet.signCalls).to.equal(0);
    });
  }

  it('the same scenario without the fault signs (the refusals above are caused by the faults)', async () => {
    const s = createSwapScenario({ sellerType: 'p2tr', buyerType: 'p2wpkh' });
    const r = await verifyThenSign({
      terms: s.terms,
      role: 'seller',
      seller: s.seller,
      buyer: s.buyer,
      wallet: s.sellerWallet,
      indexer: s.indexer,
      policy: s.policy('seller'),
    });
    expect(r.ok).to.equal(true);
    expect(s.sellerWallet.signCalls).to.equal(1);
  });
});

describe('bitcoin: what the wallet returns is checked too', () => {
  const faults: [MemoryWalletFault, string, SwapScenarioOptions?][] = [
    ['sighash-none', 'WALLET_SIGHASH_NOT_ALL'],
    ['sighash-single-acp', 'WALLET_SIGHASH_NOT_ALL'],
    ['modify-tx', 'WALLET_TX_CHANGED'],
    ['reject', 'WALLET_REJECTED'],
    ['sign-extra-input', 'WALLET_SIGNED_OTHER_INPUT', { sameWallet: true }],
  ];
  for (const [fault, code, options] of faults) {
    it(`wallet fault ${fault} → ${code}`, async () => {
      const s = createSwapScenario({ sellerType: 'p2tr', buyerType: 'p2wpkh', ...options });
      // One wallet on both sides (sign-extra-input) passes the verifiers only when the host declares no other
      // scripts of its own; the wallet's result must still be caught.
      const policy = (role: SwapRole) => (options?.sameWallet ? { ...s.policy(role), myScripts: [] } : s.policy(role));
      const sellerSigned = await verifyThenSign({
        terms: s.terms,
        role: 'seller',
        seller: s.seller,
        buyer: s.buyer,
        wallet: s.sellerWallet,
        indexer: s.indexer,
        policy: policy('seller'),
      });
      if (!sellerSigned.ok) throw new Error(sellerSigned.message);
      s.buyerWallet.fault = fault;
      const r = await verifyThenSign({
        terms: s.terms,
        role: 'buyer',
        seller: s.seller,
        buyer: s.buyer,
        wallet: s.buyerWallet,
        indexer: s.indexer,
        policy: policy('buyer'),
        peerPsbt: sellerSigned.psbt,
      });
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.code, r.message).to.equal(code);
      expect(s.buyerWallet.signCalls).to.equal(options?.sameWallet ? 2 : 1); // one wallet: the seller's call too
    });
  }

  it('a wallet that returns finalized inputs is tolerated, and the swap completes', async () => {
    const s = createSwapScenario({ sellerType: 'p2wpkh', buyerType: 'p2tr' });
    s.sellerWallet.fault = 'finalize';
    const run = await runSwap(s);
    expect(run.sellerSigned.ok).to.equal(true);
    expect(run.final?.ok).to.equal(true);
    expect(run.broadcastTxid).to.be.a('string');
  });

  it('the ledger refuses a transaction whose signature does not verify, and accepts the real one', async () => {
    const run = await runSwap(createSwapScenario());
    if (!run.final?.ok) throw new Error('swap failed');
    // A second ledger funded the same way (deterministic outpoints) has the inputs unspent.
    const fresh = createSwapScenario();
    const tx = Transaction.fromRaw(fromHex(run.final.txHex), PARSE_TX_OPTS);
    const witness = tx.getInput(1).finalScriptWitness!.map((x) => x.slice());
    witness[0]![8]! ^= 1;
    tx.updateInput(1, { finalScriptWitness: witness }, true);
    let error = '';
    await fresh.indexer.broadcast(toHex(tx.toBytes(true, true))).catch((e: Error) => (error = e.message));
    expect(error).to.match(/^SIGNATURE_(INVALID|ENCODING)/);
    expect(await fresh.indexer.broadcast(run.final.txHex)).to.equal(run.final.txid);
  });
});

describe('bitcoin: verifier never throws', () => {
  it('returns PSBT_INVALID for random bytes of many lengths', async () => {
    const w = world();
    const ctx = await w.ctx('buyer');
    for (let n = 0; n < 60; n += 7) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const r = verifySwapPsbt(bytes, ctx);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.code).to.equal('PSBT_INVALID');
    }
    expect(toHex(w.built.psbt.subarray(0, 5))).to.equal('70736274ff');
  });
});

describe('bitcoin: what the seller contributes is checked against the buyer', () => {
  const signAsBuyer = (s: SwapScenario, seller = s.seller, peerPsbt?: Uint8Array) =>
    verifyThenSign({
      terms: s.terms,
      role: 'buyer',
      seller,
      buyer: s.buyer,
      wallet: s.buyerWallet,
      indexer: s.indexer,
      policy: s.policy('buyer'),
      ...(peerPsbt ? { peerPsbt } : {}),
    });

  it("a BTC-only seller input (the buyer would pay its fee) → INPUT_NO_ASSET, buyer's wallet never asked", async () => {
    const s = createSwapScenario({ feeRate: 10n, buyerFunding: [400_000n] });
    const extra = s.indexer.fund(s.sellerWallet.address('p2wpkh'), 1_000n);
    const r = await signAsBuyer(s, { ...s.seller, inputs: [...s.seller.inputs, s.sellerWallet.swapInput(extra)] });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.code, r.message).to.equal('INPUT_NO_ASSET');
    expect(s.buyerWallet.signCalls).to.equal(0);
  });

  it("one of the buyer's own outputs listed as the seller's input → INPUT_MINE_NOT_AGREED", async () => {
    const s = createSwapScenario();
    const buyersOther = s.indexer.fund(s.buyerWallet.address('p2wpkh'), 500_000n);
    const r = await signAsBuyer(s, { ...s.seller, inputs: [...s.seller.inputs, s.buyerWallet.swapInput(buyersOther)] });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.code, r.message).to.equal('INPUT_MINE_NOT_AGREED');
    expect(s.buyerWallet.signCalls).to.equal(0);
  });

  it("the buyer's wallet is not asked before every seller input carries the seller's signature → SIGNATURE_MISSING", async () => {
    const s = createSwapScenario();
    const unsigned = buildSwapPsbt(s.terms, s.seller, s.buyer);
    if (!unsigned.ok) throw new Error(unsigned.message);
    for (const peer of [undefined, unsigned.psbt]) {
      const r = await signAsBuyer(s, s.seller, peer);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect([r.stage, r.code]).to.deep.equal(['verify-peer', 'SIGNATURE_MISSING']);
    }
    expect(s.buyerWallet.signCalls).to.equal(0);
  });

  it('an honest trade whose buyer change would be dust (surplus to the fee) verifies on both sides and completes', async () => {
    const probe = createSwapScenario({ feeRate: 10n });
    const b0 = buildSwapPsbt(probe.terms, probe.seller, probe.buyer);
    if (!b0.ok) throw new Error(b0.message);
    const funding = probe.terms.priceSats + probe.terms.assetOutputValue + b0.fee + 250n;
    const s = createSwapScenario({ feeRate: 10n, buyerFunding: [funding] });
    const built = buildSwapPsbt(s.terms, s.seller, s.buyer);
    if (!built.ok) throw new Error(built.message);
    expect(built.hasBuyerChange).to.equal(false);
    const run = await runSwap(s);
    expect(run.sellerSigned.ok, run.sellerSigned.ok ? '' : run.sellerSigned.message).to.equal(true);
    expect(run.final?.ok).to.equal(true);
  });
});
