// Node-side test-runner plugin (not part of the library): lets browser tests cross-check the kit's runestone
// codec against two independent decoders that only run in Node (CommonJS + Buffer):
// @magiceden-oss/runestone-lib (a port of ord's crates/ordinals) and runelib.
// Command `runes-oracle` with payload:
//   {op: 'decode', scripts: [hex…]}  → magic eden's tryDecodeRunestone over those output scripts
//   {op: 'encode', spec}             → magic eden's encodeRunestone (hex)
//   {op: 'runelib', txHex}           → runelib's Runestone.decipher plus its Message fields
// Integers travel as decimal strings.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const plain = (value) =>
  JSON.parse(
    JSON.stringify(value, (_k, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('hex');
      return v;
    }),
  );

export function runesOraclePlugin() {
  let magicEden;
  let runelib;
  return {
    name: 'darkswap-runes-oracle',
    async executeCommand({ command, payload }) {
      if (command !== 'runes-oracle') return undefined;
      magicEden ??= require('@magiceden-oss/runestone-lib');
      runelib ??= require('runelib');
      if (payload.op === 'decode') {
        const tx = { vout: payload.scripts.map((hex) => ({ scriptPubKey: { hex } })) };
        return { result: plain(magicEden.tryDecodeRunestone(tx)) };
      }
      if (payload.op === 'encode') {
        const s = payload.spec;
        const spec = {
          ...(s.pointer !== undefined ? { pointer: s.pointer } : {}),
          edicts: (s.edicts ?? []).map((e) => ({
            id: { block: BigInt(e.block), tx: Number(e.tx) },
            amount: BigInt(e.amount),
            output: e.output,
          })),
        };
        return { hex: magicEden.encodeRunestone(spec).encodedRunestone.toString('hex') };
      }
      if (payload.op === 'runelib') {
        const decoded = runelib.Runestone.decipher(payload.txHex);
        if (!decoded.isSome()) return { result: null };
        const r = decoded.value();
        const tx = require('bitcoinjs-lib').Transaction.fromHex(payload.txHex);
        const bytes = runelib.Runestone.payload(tx).value();
        const message = runelib.Message.from_integers(tx, runelib.Runestone.integers(bytes).value());
        return {
          result: plain({
            pointer: r.pointer.isSome() ? r.pointer.value() : null,
            edicts: r.edicts.map((e) => ({ block: e.id.block, tx: e.id.idx, amount: e.amount, output: e.output })),
            fields: Object.fromEntries([...message.fields].map(([tag, values]) => [tag, values])),
          }),
        };
      }
      throw new Error(`runes-oracle: unknown op ${payload.op}`);
    },
  };
}
