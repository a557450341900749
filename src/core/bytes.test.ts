import { expect } from '@open-wc/testing';
import { base64, base64urlnopad, hex } from '@scure/base';
import { bytesToHex, fromBase64, hexToBytes, toBase64, toBase64Url } from './bytes.js';

/** What a decoder does with a text: the bytes as hex, or 'throws'. */
const outcome = (decode: (text: string) => Uint8Array, text: string): string => {
  try {
    return hex.encode(decode(text));
  } catch {
    return 'throws';
  }
};

function random(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return bytes;
}

describe('core/bytes (hand-written, checked against @scure/base)', () => {
  it('encodes like @scure/base for every length 0..100 and large inputs', () => {
    for (const bytes of [...Array.from({ length: 101 }, (_, n) => random(n)), random(100_000), new Uint8Array(70_000).fill(255)]) {
      expect(bytesToHex(bytes)).to.equal(hex.encode(bytes));
      expect(toBase64(bytes)).to.equal(base64.encode(bytes));
      expect(toBase64Url(bytes)).to.equal(base64urlnopad.encode(bytes));
      expect(hexToBytes(bytesToHex(bytes))).to.deep.equal(new Uint8Array(bytes));
      expect(fromBase64(toBase64(bytes))).to.deep.equal(new Uint8Array(bytes));
    }
  });

  it('decodes base64 exactly as strictly: padding, pad bits, alphabet, whitespace', () => {
    const texts = ['', 'Eqs=', 'Eqt=', 'Eqs', 'Eq==', 'EA==', 'EB==', 'E===', '====', 'E qs=', 'Eqs=\n', 'Eq-_', 'Eq/+', 'AAAA', 'AAAAAA==', 'AAAAAA=', 'AA=A'];
    for (const text of texts) expect(outcome(fromBase64, text), text).to.equal(outcome(base64.decode, text));
    for (let n = 1; n < 4; n++) {
      // Every last character after n-1 bytes: only the ones with zero pad bits decode.
      for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') {
        const text = toBase64(new Uint8Array(n)).replace(/A(=*)$/, `${c}$1`);
        expect(outcome(fromBase64, text), text).to.equal(outcome(base64.decode, text));
      }
    }
  });

  it('decodes hex of either case and throws on odd length or a non-hex character', () => {
    expect(hexToBytes('00ffAB')).to.deep.equal(new Uint8Array([0, 255, 171]));
    for (const text of ['', '0', 'abc', 'zz', '0x00', ' 00', '00 '])
      expect(outcome(hexToBytes, text), text).to.equal(outcome((t) => hex.decode(t.toLowerCase()), text));
    expect(hexToBytes('ab').buffer).to.be.instanceOf(ArrayBuffer);
    expect(fromBase64('Eqs=').buffer).to.be.instanceOf(ArrayBuffer);
  });

  it('refuses what is not a Uint8Array or a string', () => {
    expect(() => bytesToHex([1, 2] as unknown as Uint8Array)).to.throw(TypeError);
    expect(() => toBase64('ab' as unknown as Uint8Array)).to.throw(TypeError);
    expect(() => hexToBytes(12 as unknown as string)).to.throw(TypeError);
    expect(() => fromBase64(undefined as unknown as string)).to.throw(TypeError);
  });
});
