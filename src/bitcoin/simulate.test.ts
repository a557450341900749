import { expect } from '@open-wc/testing';
import { fromHex } from './bytes.js';
import { encodeProtostones } from './protostone.js';
import { decipherRunestone, encodeRunestone } from './runestone.js';
import { simulateAlkanes, simulateRunes } from './simulate.js';

describe('bitcoin: transfer simulation (ord and protorune rules)', () => {
  const P = fromHex('0014' + '44'.repeat(20));
  const R = '840000:3';
  const inputs = [new Map([[R, 100n]]), new Map([[R, 50n]])];
  const run = (script: Uint8Array, n = 3) => {
    const scripts = [...Array.from({ length: n }, () => P), script];
    return simulateRunes(decipherRunestone(scripts), inputs, scripts);
  };
  const id = { block: 840000n, tx: 3n };

  it('edicts clamp, amount 0 takes the rest, the remainder goes to the pointer', () => {
    const r = run(encodeRunestone({ pointer: 2, edicts: [{ id, amount: 1000n, output: 0 }] }));
    expect(r.outputs.map((m) => m.get(R) ?? 0n)).to.deep.equal([150n, 0n, 0n, 0n]);
    const r2 = run(
      encodeRunestone({
        pointer: 2,
        edicts: [
          { id, amount: 40n, output: 1 },
          { id, amount: 0n, output: 0 },
        ],
      }),
    );
    expect(r2.outputs.map((m) => m.get(R) ?? 0n)).to.deep.equal([110n, 40n, 0n, 0n]);
    const r3 = run(encodeRunestone({ pointer: 2, edicts: [{ id, amount: 40n, output: 1 }] }));
    expect(r3.outputs.map((m) => m.get(R) ?? 0n)).to.deep.equal([0n, 40n, 110n, 0n]);
  });

  it('split: output = count spreads among non-OP_RETURN outputs, remainder to the first', () => {
    const r = run(encodeRunestone({ edicts: [{ id, amount: 0n, output: 4 }] }));
    expect(r.outputs.map((m) => m.get(R) ?? 0n)).to.deep.equal([50n, 50n, 50n, 0n]);
    const r2 = run(encodeRunestone({ edicts: [{ id, amount: 0n, output: 5 }] }), 4);
    expect(r2.outputs.map((m) => m.get(R) ?? 0n)).to.deep.equal([38n, 38n, 37n, 37n, 0n]);
  });

  it('no pointer → first non-OP_RETURN output; no runestone → the same; to an OP_RETURN → burned; cenotaph → burned', () => {
    expect(run(encodeRunestone({})).outputs[0]!.get(R)).to.equal(150n);
    const plain = [P, P];
    expect(simulateRunes(undefined, inputs, plain).outputs[0]!.get(R)).to.equal(150n);
    const burn = run(encodeRunestone({ pointer: 1, edicts: [{ id, amount: 30n, output: 3 }] }));
    expect(burn.burned.get(R)).to.equal(30n);
    expect(burn.outputs[1]!.get(R)).to.equal(120n);
    const cenotaph = run(fromHex('6a5d021801'));
    expect(cenotaph.burned.get(R)).to.equal(150n);
    expect(cenotaph.outputs.every((m) => m.size === 0)).to.equal(true);
  });

  it('alkanes: stranded without a protostone; without a protostone pointer the rest goes to output 0', () => {
    const A = '2:1';
    const alk = [new Map([[A, 70n]])];
    const scripts = (s: Uint8Array) => [P, P, P, s];
    const none = scripts(encodeRunestone({ pointer: 2 }));
    expect(simulateAlkanes(decipherRunestone(none), alk, none).stranded.get(A)).to.equal(70n);
    const noPtr = scripts(
      encodeRunestone({ protocol: encodeProtostones([{ protocolTag: 1n, edicts: [{ id: { block: 2n, tx: 1n }, amount: 20n, output: 1 }] }]) }),
    );
    const r = simulateAlkanes(decipherRunestone(noPtr), alk, noPtr);
    expect(r.outputs.map((m) => m.get(A) ?? 0n)).to.deep.equal([50n, 20n, 0n, 0n]);
    const ok = scripts(
      encodeRunestone({
        pointer: 2,
        protocol: encodeProtostones([{ protocolTag: 1n, pointer: 2, refund: 2, edicts: [{ id: { block: 2n, tx: 1n }, amount: 20n, output: 0 }] }]),
      }),
    );
    const r2 = simulateAlkanes(decipherRunestone(ok), alk, ok);
    expect(r2.outputs.map((m) => m.get(A) ?? 0n)).to.deep.equal([20n, 0n, 50n, 0n]);
    expect(r2.stranded.size + r2.burned.size).to.equal(0);
  });
});
