import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { Transaction } from '@scure/btc-signer';
import { fromHex, toHex } from './bytes.js';
import { decodeProtostones, encodeProtostones, protocolValues, protostoneIntegers, type ProtostoneSpec } from './protostone.js';
import { decipherRunestone, encodeRunestone, Tag } from './runestone.js';

const id = (block: bigint, tx: bigint) => ({ block, tx });

/** Vectors from TRADING.md §7 (the kungfuflex `alkanes` encoder). */
const vectors: [string, ProtostoneSpec, string][] = [
  ['A', { protocolTag: 1n, pointer: 2, refund: 2, edicts: [{ id: id(2n, 0n), amount: 1000n, output: 0 }] }, '6a5d0eff7f8192ec92d0cb80808280a03f'],
  ['B', { protocolTag: 1n, pointer: 0, refund: 0, edicts: [{ id: id(2n, 1n), amount: 123456789n, output: 1 }] }, '6a5d11ff7f8192ec82d08b80808282d4d4f9dd4e'],
  [
    'C',
    { protocolTag: 1n, pointer: 2, refund: 3, edicts: [{ id: id(840000n, 3n), amount: 10n ** 20n, output: 4 }] },
    '6a5d1eff7f8192ec92d0eb8080c0c5ce998090a0e09801ff7fd68bdf9ebedd8202',
  ],
  ['D', { protocolTag: 1n, edicts: [{ id: id(2n, 0n), amount: 1000n, output: 0 }] }, '6a5d0aff7f818a80908080fa03'],
];

describe('bitcoin: alkanes protostones', () => {
  for (const [name, spec, hex] of vectors) {
    it(`vector ${name}: encodes byte for byte and decodes back`, () => {
      const script = encodeRunestone({ protocol: encodeProtostones([spec]) });
      expect(toHex(script)).to.equal(hex);
      const a = decipherRunestone([fromHex('0014' + '22'.repeat(20)), fromHex(hex)]);
      if (a?.kind !== 'runestone') throw new Error('not a runestone');
      const d = decodeProtostones(a.runestone.otherFields.get(Tag.Protocol)!);
      if (!d.ok) throw new Error(d.error);
      expect(d.protostones).to.have.length(1);
      const p = d.protostones[0]!;
      expect(p.protocolTag).to.equal(1n);
      expect(p.pointer).to.equal(spec.pointer);
      expect(p.refund).to.equal(spec.refund);
      expect(p.edicts).to.deep.equal(spec.edicts);
      expect(p.otherFields.size).to.equal(0);
    });
  }

  it('the integer list counts the fields after the length', () => {
    expect(protostoneIntegers(vectors[0]![1])).to.deep.equal([1n, 9n, 91n, 2n, 93n, 2n, 0n, 2n, 0n, 1000n, 0n]);
    expect(protostoneIntegers(vectors[3]![1])).to.deep.equal([1n, 5n, 0n, 2n, 0n, 1000n, 0n]);
  });

  it('round-trips several protostones, multiple edicts and unknown fields', () => {
    const specs: ProtostoneSpec[] = [
      {
        protocolTag: 1n,
        pointer: 3,
        refund: 3,
        edicts: [
          { id: id(2n, 0n), amount: 5n, output: 0 },
          { id: id(2n, 7n), amount: 9n, output: 1 },
          { id: id(32n, 0n), amount: 10n ** 30n, output: 2 },
        ],
      },
      { protocolTag: 16383n, edicts: [] },
    ];
    const d = decodeProtostones(encodeProtostones(specs));
    if (!d.ok) throw new Error(d.error);
    expect(d.protostones.map((p) => [p.protocolTag, p.pointer, p.edicts.length])).to.deep.equal([
      [1n, 3, 3],
      [16383n, undefined, 0],
    ]);
    expect(d.protostones[0]!.edicts[2]).to.deep.equal({ id: id(32n, 0n), amount: 10n ** 30n, output: 2 });
    const withMessage = decodeProtostones(protocolValues([1n, 6n, 81n, 77n, 83n, 1n, 91n, 0n]));
    if (!withMessage.ok) throw new Error(withMessage.error);
    expect([...withMessage.protostones[0]!.otherFields]).to.deep.equal([
      [81n, [77n]],
      [83n, [1n]],
    ]);
    expect(withMessage.protostones[0]!.pointer).to.equal(0);
  });

  it('names malformed protostones', () => {
    expect(decodeProtostones([1n << 120n])).to.deep.equal({ ok: false, error: 'chunk_overflow' });
    // Padding zeros count as integers, so a length must overrun the padding to be "truncated".
    expect(decodeProtostones(protocolValues([1n, 30n, 91n]))).to.deep.equal({ ok: false, error: 'truncated_protostone' });
    expect(decodeProtostones(protocolValues([1n, 3n, 0n, 2n, 0n]))).to.deep.equal({ ok: false, error: 'trailing_integers' });
    expect(decodeProtostones(protocolValues([1n, 1n, 91n]))).to.deep.equal({ ok: false, error: 'truncated_field' });
    expect(decodeProtostones(protocolValues([1n, 2n, 91n, 1n, 0n, 5n]))).to.deep.equal({ ok: false, error: 'trailing_data' });
    expect(decodeProtostones(protocolValues([1n, 5n, 0n, 0n, 1n, 1n, 0n]))).to.deep.equal({ ok: false, error: 'edict_rune_id' });
  });

  it('the Protocol field is an odd tag: an independent runes decoder ignores it (runelib, in Node)', async () => {
    const tx = new Transaction({ allowUnknownOutputs: true });
    tx.addInput({ txid: new Uint8Array(32).fill(1), index: 0 });
    for (let i = 0; i < 3; i++) tx.addOutput({ script: fromHex('0014' + '33'.repeat(20)), amount: 1000n });
    const spec = vectors[2]![1];
    tx.addOutput({ script: encodeRunestone({ pointer: 2, protocol: encodeProtostones([spec]) }), amount: 0n });
    const r = (await executeServerCommand('runes-oracle', { op: 'runelib', txHex: toHex(tx.unsignedTx) })) as {
      result: { pointer: number; edicts: unknown[]; fields: Record<string, string[]> };
    };
    expect(r.result.pointer).to.equal(2);
    expect(r.result.edicts).to.deep.equal([]);
    expect(r.result.fields['16383']).to.deep.equal(encodeProtostones([spec]).map(String));
  });
});
