/**
 * Transfer simulation: where the runes and alkanes of a transaction's inputs end up, following ord's
 * `rune_updater.rs` and protorune's `index_protostones` for plain transfers. Pure, no DOM. Minting and
 * etching are not simulated (the swap verifier refuses both before simulating).
 *
 * Runes: edicts in order, each clamped to what is unallocated (amount 0 = all; output = output count splits
 * among the non-OP_RETURN outputs); the rest goes to the pointer, else the first non-OP_RETURN output, else is
 * burned; anything allocated to an OP_RETURN is burned; a cenotaph burns everything.
 *
 * Alkanes (protocol tag 1): every alkane of every input goes to the first tag-1 protostone, whose edicts run
 * like rune edicts; the rest goes to its pointer, else the first non-OP_RETURN output. No runestone, a
 * cenotaph, no tag-1 protostone or a malformed one **strands** every alkane at the spent outpoints.
 */
import { ALKANES_PROTOCOL_TAG, decodeProtostones } from './protostone.js';
import { formatRuneId, isOpReturn, Tag, type Edict, type RunestoneArtifact } from './runestone.js';

/** Asset id (`block:tx`) → amount. */
export type Balances = Map<string, bigint>;

export interface TransferResult {
  /** What each output receives, by output index. */
  readonly outputs: readonly Balances[];
  readonly burned: Balances;
  /** Left at the spent outpoints, unreachable (alkanes only). */
  readonly stranded: Balances;
  /** Set when the transfer uses a feature this simulator does not model (contract call, shadow outputs). */
  readonly unsupported?: string;
}

const add = (m: Balances, id: string, amount: bigint): void => {
  if (amount > 0n) m.set(id, (m.get(id) ?? 0n) + amount);
};

/** Sum of several balance maps. */
export function total(list: readonly Balances[]): Balances {
  const out: Balances = new Map();
  for (const b of list) for (const [id, amount] of b) add(out, id, amount);
  return out;
}

function applyEdicts(edicts: readonly Edict[], unallocated: Balances, scripts: readonly Uint8Array[], allocated: Balances[]): string | undefined {
  const n = scripts.length;
  const destinations = scripts.flatMap((s, i) => (isOpReturn(s) ? [] : [i]));
  for (const edict of edicts) {
    const id = formatRuneId(edict.id);
    const balance = unallocated.get(id);
    if (balance === undefined) continue;
    let left = balance;
    const allocate = (amount: bigint, output: number): void => {
      if (amount <= 0n) return;
      left -= amount;
      add(allocated[output]!, id, amount);
    };
    if (edict.output > n) return `edict output ${edict.output} is beyond the outputs`;
    if (edict.output === n) {
      if (destinations.length > 0) {
        if (edict.amount === 0n) {
          const share = left / BigInt(destinations.length);
          const remainder = Number(left % BigInt(destinations.length));
          destinations.forEach((o, i) => allocate(i < remainder ? share + 1n : share, o));
        } else {
          for (const o of destinations) allocate(edict.amount < left ? edict.amount : left, o);
        }
      }
    } else {
      allocate(edict.amount === 0n || edict.amount > left ? left : edict.amount, edict.output);
    }
    unallocated.set(id, left);
  }
  return undefined;
}

function settle(unallocated: Balances, pointer: number | undefined, scripts: readonly Uint8Array[], allocated: Balances[]): TransferResult {
  const burned: Balances = new Map();
  const target = pointer ?? scripts.findIndex((s) => !isOpReturn(s));
  for (const [id, amount] of unallocated) add(target >= 0 ? allocated[target]! : burned, id, amount);
  for (const [i, s] of scripts.entries()) {
    if (!isOpReturn(s)) continue;
    for (const [id, amount] of allocated[i]!) add(burned, id, amount);
    allocated[i] = new Map();
  }
  return { outputs: allocated, burned, stranded: new Map() };
}

/** Where the runes of the inputs go under ord's rules. */
export function simulateRunes(artifact: RunestoneArtifact | undefined, inputs: readonly Balances[], scripts: readonly Uint8Array[]): TransferResult {
  const unallocated = total(inputs);
  const allocated = scripts.map(() => new Map<string, bigint>());
  if (artifact?.kind === 'cenotaph') return { outputs: allocated, burned: unallocated, stranded: new Map() };
  const runestone = artifact?.runestone;
  const problem = runestone ? applyEdicts(runestone.edicts, unallocated, scripts, allocated) : undefined;
  const result = settle(unallocated, runestone?.pointer, scripts, allocated);
  return problem ? { ...result, unsupported: problem } : result;
}

/** Where the alkanes of the inputs go under protorune's rules for a plain transfer. */
export function simulateAlkanes(artifact: RunestoneArtifact | undefined, inputs: readonly Balances[], scripts: readonly Uint8Array[]): TransferResult {
  const incoming = total(inputs);
  const allocated = scripts.map(() => new Map<string, bigint>());
  const strand = (why?: string): TransferResult => ({
    outputs: allocated,
    burned: new Map(),
    stranded: incoming,
    ...(why ? { unsupported: why } : {}),
  });
  if (incoming.size === 0) return strand();
  if (!artifact || artifact.kind === 'cenotaph') return strand();
  const decoded = decodeProtostones(artifact.runestone.otherFields.get(Tag.Protocol) ?? []);
  if (!decoded.ok) return strand();
  const stone = decoded.protostones.find((p) => p.protocolTag === ALKANES_PROTOCOL_TAG);
  if (!stone) return strand();
  if (stone.otherFields.size > 0) return strand('the protostone calls a contract or burns');
  const n = scripts.length;
  if (stone.pointer !== undefined && stone.pointer >= n) return strand('the protostone pointer addresses a shadow output');
  const unallocated = new Map(incoming);
  const problem = applyEdicts(stone.edicts, unallocated, scripts, allocated);
  if (problem) return strand(problem);
  return settle(unallocated, stone.pointer, scripts, allocated);
}
