// The whole-file hash and its JavaScript fallback (for pages that forbid WebAssembly): the same digest as
// WebCrypto, a state saved midway and loaded into a new hasher (as after a reload) gives the same digest, and a
// state of the other implementation or a damaged one is refused with HashStateError.
import { expect } from '@open-wc/testing';
import { HashStateError, sha256Hex, StreamHasher } from './file-share.hash.js';

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe('StreamHasher (WebAssembly and its JavaScript fallback)', () => {
  for (const forceJs of [false, true]) {
    it(`${forceJs ? 'JavaScript' : 'WebAssembly'}: saved midway and resumed, the digest equals WebCrypto's`, async () => {
      // Odd sizes: the saved state holds a partial block.
      const parts = [bytes(1_000_003, 1), bytes(70, 2), bytes(262_144, 3), bytes(1, 4)];
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      const first = await StreamHasher.create(undefined, { forceJs });
      expect(first.kind).to.equal(forceJs ? 'js' : 'wasm');
      first.update(parts[0]!);
      first.update(parts[1]!);
      const state = first.save();
      const resumed = await StreamHasher.create(state, { forceJs });
      resumed.update(parts[2]!);
      resumed.update(parts[3]!);
      expect(resumed.digestHex()).to.equal(await sha256Hex(all));
    });
  }

  it('refuses a state of the other implementation, and a damaged one', async () => {
    const js = await StreamHasher.create(undefined, { forceJs: true });
    js.update(bytes(100, 5));
    const wasm = await StreamHasher.create();
    wasm.update(bytes(100, 5));
    let error: unknown;
    await StreamHasher.create(wasm.save(), { forceJs: true }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(HashStateError);
    error = undefined;
    await StreamHasher.create('js1:AAAA').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(HashStateError);
    // A JavaScript state resumes in JavaScript even where WebAssembly is allowed.
    const again = await StreamHasher.create(js.save());
    expect(again.kind).to.equal('js');
    again.update(new Uint8Array(0));
    expect(again.digestHex()).to.equal(await sha256Hex(bytes(100, 5)));
  });
});
