import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { fromHex, toHex } from './bytes.js';
import { decodeVarint, encodeVarint, U128_MAX, U32_MAX } from './leb128.js';
import { decipherRunestone, encodeRunestone, runestoneIntegers, type RunestoneSpec } from './runestone.js';

const P2WPKH = fromHex('0014' + '11'.repeat(20));
/** Output scripts: `n` payment outputs then the runestone. */
const outputs = (script: Uint8Array, n = 3): Uint8Array[] => [...Array.from({ length: n }, () => P2WPKH), script];
const scriptOf = (ints: bigint[]): Uint8Array => {
  const payload: number[] = [];
  for (const i of ints) encodeVarint(i, payload);
  return Uint8Array.from([0x6a, 0x5d, payload.length, ...payload]);
};
const id = (block: bigint, tx: bigint) => ({ block, tx });

describe('bitcoin: LEB128 varints (ord rules)', () => {
  it('round-trips values up to u128::MAX, which takes 19 bytes', () => {
    for (const v of [0n, 1n, 127n, 128n, 255n, 16383n, 16384n, 840000n, U32_MAX, 1n << 64n, U128_MAX]) {
      const bytes = Uint8Array.from(encodeVarint(v));
      const r = decodeVarint(bytes);
      expect(r).to.deep.equal({ ok: true, value: v, length: bytes.length });
    }
    expect(encodeVarint(U128_MAX)).to.have.length(19);
    expect(encodeVarint(127n)).to.deep.equal([0x7f]);
    expect(encodeVarint(128n)).to.deep.equal([0x80, 0x01]);
  });

  it('refuses overlong, overflowing and unterminated varints', () => {
    const overlong = Uint8Array.from([...Array(19).fill(0x80), 0x00]);
    expect(decodeVarint(overlong)).to.deep.equal({ ok: false, error: 'overlong' });
    const overflow = Uint8Array.from([...Array(18).fill(0xff), 0x04]);
    expect(decodeVarint(overflow)).to.deep.equal({ ok: false, error: 'overflow' });
    const maxOk = Uint8Array.from([...Array(18).fill(0xff), 0x03]);
    expect(decodeVarint(maxOk)).to.deep.equal({ ok: true, value: U128_MAX, length: 19 });
    expect(decodeVarint(Uint8Array.from([0x80]))).to.deep.equal({ ok: false, error: 'unterminated' });
    expect(() => encodeVarint(U128_MAX + 1n)).to.throw(RangeError);
  });
});

describe('bitcoin: runestone encoding (published vectors)', () => {
  it('ord encipher: edicts 2:3×1→0, 5:6×4→1 with pointer 0', () => {
    const spec: RunestoneSpec = {
      pointer: 0,
      edicts: [
        { id: id(5n, 6n), amount: 4n, output: 1 },
        { id: id(2n, 3n), amount: 1n, output: 0 },
      ],
    };
    expect(runestoneIntegers(spec)).to.deep.equal([22n, 0n, 0n, 2n, 3n, 1n, 0n, 3n, 6n, 4n, 1n]);
  });

  it('the spec table: edicts sorted by id and delta-encoded', () => {
    const spec: RunestoneSpec = {
      edicts: [
        { id: id(10n, 5n), amount: 5n, output: 1 },
        { id: id(50n, 1n), amount: 25n, output: 4 },
        { id: id(10n, 7n), amount: 1n, output: 8 },
        { id: id(10n, 5n), amount: 10n, output: 3 },
      ],
    };
    expect(runestoneIntegers(spec).map(Number)).to.deep.equal([0, 10, 5, 5, 1, 0, 0, 10, 3, 0, 2, 1, 8, 40, 1, 25, 4]);
  });

  it('runestone sizes from ord', () => {
    const big = id(1_000_000n, U32_MAX);
    expect(encodeRunestone({ edicts: [{ id: big, amount: 0n, output: 0 }] })).to.have.length(14);
    expect(encodeRunestone({ edicts: [{ id: big, amount: U128_MAX, output: 0 }] })).to.have.length(32);
    expect(
      encodeRunestone({
        edicts: [
          { id: big, amount: U128_MAX, output: 0 },
          { id: big, amount: U128_MAX, output: 0 },
        ],
      }),
    ).to.have.length(54);
    expect(toHex(encodeRunestone({}))).to.equal('6a5d');
  });

  it('the swap runestone: pointer 2, 840000:3 ×1000 → 0', () => {
    expect(toHex(encodeRunestone({ pointer: 2, edicts: [{ id: id(840000n, 3n), amount: 1000n, output: 0 }] }))).to.equal('6a5d0a160200c0a23303e80700');
  });
});

describe('bitcoin: runestone deciphering and cenotaphs', () => {
  it('decodes the swap runestone', () => {
    const a = decipherRunestone(outputs(fromHex('6a5d0a160200c0a23303e80700')));
    expect(a?.kind).to.equal('runestone');
    if (a?.kind !== 'runestone') return;
    expect(a.vout).to.equal(3);
    expect(a.runestone.pointer).to.equal(2);
    expect(a.runestone.edicts).to.deep.equal([{ id: id(840000n, 3n), amount: 1000n, output: 0 }]);
    expect(a.runestone.otherFields.size).to.equal(0);
  });

  it('no runestone output: undefined; a plain OP_RETURN is skipped', () => {
    expect(decipherRunestone([P2WPKH, fromHex('6a0401020304')])).to.equal(undefined);
    const a = decipherRunestone([fromHex('6a0401020304'), fromHex('6a5d021601'), P2WPKH]);
    expect(a?.kind).to.equal('runestone');
    expect(a?.vout).to.equal(1);
  });

  const cenotaphs: [string, Uint8Array, string, number?][] = [
    ['pointer ≥ number of outputs', scriptOf([22n, 4n]), 'unrecognized_even_tag'],
    ['edict output > number of outputs', scriptOf([0n, 1n, 1n, 1n, 5n]), 'edict_output'],
    ['even tag 24', scriptOf([24n, 1n]), 'unrecognized_even_tag'],
    ['opcode 0x51 in the payload', fromHex('6a5d021601' + '51'), 'opcode'],
    ['a push running past the script', fromHex('6a5d0516'), 'invalid_script'],
    ['trailing integers', scriptOf([0n, 1n, 1n, 1n]), 'trailing_integers'],
    ['truncated field', scriptOf([22n]), 'truncated_field'],
    ['edict id with block 0 and tx > 0', scriptOf([0n, 0n, 1n, 1n, 0n]), 'edict_rune_id'],
    ['malformed varint', fromHex('6a5d0180'), 'varint'],
    ['unrecognized flag', scriptOf([2n, 8n]), 'unrecognized_flag'],
    ['supply overflow', scriptOf([2n, 3n, 6n, U128_MAX, 8n, 2n, 10n, 1n]), 'supply_overflow'],
    ['a second pointer value', scriptOf([22n, 1n, 22n, 1n]), 'unrecognized_even_tag'],
    ['rune field without the etching flag', scriptOf([4n, 1000n]), 'unrecognized_even_tag'],
  ];
  for (const [name, script, flaw] of cenotaphs) {
    it(`cenotaph: ${name} (${flaw})`, () => {
      const a = decipherRunestone(outputs(script));
      expect(a?.kind).to.equal('cenotaph');
      if (a?.kind === 'cenotaph') expect(a.flaw).to.equal(flaw);
    });
  }

  it('edict output = number of outputs is valid (split); odd tag 25 is ignored but kept', () => {
    const a = decipherRunestone(outputs(scriptOf([25n, 7n, 0n, 1n, 1n, 1n, 4n])));
    expect(a?.kind).to.equal('runestone');
    if (a?.kind !== 'runestone') return;
    expect(a.runestone.edicts).to.deep.equal([{ id: id(1n, 1n), amount: 1n, output: 4 }]);
    expect([...a.runestone.otherFields]).to.deep.equal([[25n, [7n]]]);
  });

  it('decodes an etching with terms', () => {
    const a = decipherRunestone(outputs(scriptOf([2n, 7n, 4n, 99n, 1n, 2n, 6n, 500n, 8n, 10n, 10n, 100n, 5n, 0x24n, 22n, 1n])));
    if (a?.kind !== 'runestone') throw new Error(`not a runestone: ${JSON.stringify(a)}`);
    expect(a.runestone.etching).to.deep.include({ divisibility: 2, premine: 500n, rune: 99n, symbol: '$', turbo: true });
    expect(a.runestone.etching?.terms).to.deep.include({ cap: 10n, amount: 100n });
    expect(a.runestone.pointer).to.equal(1);
  });
});

describe('bitcoin: runestone codec against an independent decoder (@magiceden-oss/runestone-lib, in Node)', () => {
  const specs: RunestoneSpec[] = [
    { pointer: 2, edicts: [{ id: id(840000n, 3n), amount: 1000n, output: 0 }] },
    {
      pointer: 0,
      edicts: [
        { id: id(5n, 6n), amount: 4n, output: 1 },
        { id: id(2n, 3n), amount: 1n, output: 0 },
      ],
    },
    { edicts: [{ id: id(1_000_000n, U32_MAX), amount: U128_MAX, output: 3 }] },
    { pointer: 1 },
    {
      pointer: 3,
      edicts: [
        { id: id(840000n, 3n), amount: 0n, output: 2 },
        { id: id(840001n, 0n), amount: 12345678901234567890n, output: 4 },
      ],
    },
  ];

  it('encodes byte for byte like the oracle and decodes what the oracle decodes', async () => {
    for (const spec of specs) {
      const ours = encodeRunestone(spec);
      const edicts = (spec.edicts ?? []).map((e) => ({ block: `${e.id.block}`, tx: `${e.id.tx}`, amount: `${e.amount}`, output: e.output }));
      const theirs = (await executeServerCommand('runes-oracle', { op: 'encode', spec: { pointer: spec.pointer, edicts } })) as { hex: string };
      expect(toHex(ours)).to.equal(theirs.hex);
      const decoded = (await executeServerCommand('runes-oracle', { op: 'decode', scripts: outputs(ours, 4).map(toHex) })) as {
        result: { pointer?: number; edicts?: { id: { block: string; tx: number }; amount: string; output: number }[] };
      };
      const a = decipherRunestone(outputs(ours, 4));
      if (a?.kind !== 'runestone') throw new Error('ours: not a runestone');
      expect(decoded.result.pointer).to.equal(a.runestone.pointer);
      expect((decoded.result.edicts ?? []).map((e) => [e.id.block, e.id.tx, e.amount, e.output])).to.deep.equal(
        a.runestone.edicts.map((e) => [`${e.id.block}`, Number(e.id.tx), `${e.amount}`, e.output]),
      );
    }
  });

  it('agrees on every cenotaph case, flaw included', async () => {
    const scripts = [
      scriptOf([22n, 4n]),
      scriptOf([0n, 1n, 1n, 1n, 5n]),
      scriptOf([24n, 1n]),
      fromHex('6a5d021601' + '51'),
      fromHex('6a5d0516'),
      scriptOf([0n, 1n, 1n, 1n]),
      scriptOf([22n]),
      scriptOf([0n, 0n, 1n, 1n, 0n]),
      fromHex('6a5d0180'),
      scriptOf([2n, 8n]),
      scriptOf([2n, 3n, 6n, U128_MAX, 8n, 2n, 10n, 1n]),
      scriptOf([25n, 1n, 22n, 1n]),
    ];
    for (const script of scripts) {
      const a = decipherRunestone(outputs(script));
      const r = (await executeServerCommand('runes-oracle', { op: 'decode', scripts: outputs(script).map(toHex) })) as {
        result: { flaws?: string[]; pointer?: number };
      };
      if (a?.kind === 'cenotaph') {
        expect(r.result.flaws, toHex(script)).to.include(a.flaw);
      } else {
        expect(r.result.flaws, toHex(script)).to.equal(undefined);
        expect(r.result.pointer).to.equal(a?.kind === 'runestone' ? a.runestone.pointer : undefined);
      }
    }
  });
});
