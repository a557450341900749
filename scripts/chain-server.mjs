// A local regtest "chain" for tests and benches (not part of the library): one in-memory ledger (the kit's own
// MemoryIndexer, compiled from src/ with esbuild: it checks every signature and applies the runes/alkanes
// rules on broadcast) served over HTTP on 127.0.0.1 in three formats:
//   /esplora/…  Esplora's REST API (block-height/0, blocks/tip/height|hash, tx/:txid[/hex|/status|/outspend/:vout|
//               /outspends], address/:address/utxo, fee-estimates, POST tx)
//   /ord/…      ord's JSON API (status, output/:outpoint, rune/:name-or-id), JSON only with Accept: application/json
//   /alkanes    an alkanes JSON-RPC (btc_getblockhash, alkanes_protorunesbyoutpoint; see src/bitcoin/chain/alkanes.ts)
// Test hooks: `fund`, `mine`, `script` (canned answers: status, body, delay, for the next N matching requests —
// error paths and recorded fixtures), `requests` (what the server was asked), `setFees`.
import http from 'node:http';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GENESIS = {
  mainnet: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};

let layer;
/** The kit's MemoryIndexer and the transaction parser, compiled once per process. */
async function loadLayer() {
  layer ??= build({
    stdin: {
      contents: `export { MemoryIndexer } from './memory-wallet.ts'; export { PARSE_TX_OPTS } from './psbt-build.ts'; export { Transaction } from '@scure/btc-signer';`,
      resolveDir: path.join(ROOT, 'src/bitcoin'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  }).then(async (r) => {
    const code = r.outputFiles[0].text;
    return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  });
  return layer;
}

const sha = (s) => createHash('sha256').update(s).digest('hex');
const reverseHex = (hex) => hex.match(/../g).reverse().join('');
/** A rune id's name: digits as letters (840000:3 → TEST•IEAAAA•D). */
const runeName = (id) => `TEST•${id.split(':')[0].replace(/[0-9]/g, (d) => 'ABCDEFGHIJ'[d])}•${id.split(':')[1].replace(/[0-9]/g, (d) => 'ABCDEFGHIJ'[d])}`;
/** JSON with bigints written as bare integers (as ord writes u128). */
const bigJson = (value) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `@@big:${v}@@` : v)).replace(/"@@big:(-?[0-9]+)@@"/g, '$1');

export async function startChainServer({ network = 'regtest', autoMine = false } = {}) {
  const { MemoryIndexer, Transaction, PARSE_TX_OPTS } = await loadLayer();
  const ledger = new MemoryIndexer(network);
  let tip = 110;
  /** txid → {hex?, vin: [{txid, vout}], vouts} for every transaction the ledger has (funding ones included). */
  const txs = new Map();
  const runeIds = new Map(); // name → id
  let fees = { 1: 4.2, 3: 3.05, 6: 2.0, 144: 1.0 };
  let scripts = [];
  let requests = [];

  const blockHash = (height) => (height === 0 ? GENESIS[network] : sha(`darkswap/chain-server/block/${height}`));
  const status = (confirmations) =>
    confirmations > 0
      ? {
          confirmed: true,
          block_height: tip - confirmations + 1,
          block_hash: blockHash(tip - confirmations + 1),
          block_time: 1_700_000_000 + (tip - confirmations + 1) * 600,
        }
      : { confirmed: false };
  const outputOf = async (outpoint) => (await ledger.getOutputs([outpoint]))[0];
  const txConfirmations = async (txid) => {
    const t = txs.get(txid);
    if (!t) return undefined;
    if (t.hex) {
      const s = await ledger.txStatus(txid);
      return s.state === 'unknown' ? undefined : s.confirmations;
    }
    return (await outputOf(`${txid}:0`))?.confirmations;
  };

  function fund(address, value, options = {}) {
    const toBig = (list) => (list ?? []).map((b) => ({ id: b.id, amount: BigInt(b.amount) }));
    const info = ledger.fund(address, BigInt(value), { ...options, runes: toBig(options.runes), alkanes: toBig(options.alkanes) });
    for (const r of info.runes) runeIds.set(runeName(r.id), r.id);
    const txid = info.outpoint.split(':')[0];
    txs.set(txid, { vin: [], vouts: 1 });
    return { outpoint: info.outpoint, address: info.address };
  }
  function mine(blocks = 1) {
    ledger.mine(blocks);
    tip += blocks;
  }

  async function esplora(method, route, body) {
    const json = (value, code = 200) => ({ status: code, type: 'application/json', body: bigJson(value) });
    const text = (value, code = 200) => ({ status: code, type: 'text/plain', body: String(value) });
    let m;
    if (method === 'POST' && route === '/tx') {
      try {
        const txid = await ledger.broadcast(body.trim());
        if (!txs.get(txid)?.hex) {
          const tx = Transaction.fromRaw(Buffer.from(body.trim(), 'hex'), PARSE_TX_OPTS);
          const vin = Array.from({ length: tx.inputsLength }, (_, i) => ({
            txid: Buffer.from(tx.getInput(i).txid).toString('hex'),
            vout: tx.getInput(i).index,
          }));
          txs.set(txid, { hex: body.trim().toLowerCase(), vin, vouts: tx.outputsLength });
          for (let v = 0; v < tx.outputsLength; v++) for (const r of (await outputOf(`${txid}:${v}`))?.runes ?? []) runeIds.set(runeName(r.id), r.id);
          if (autoMine) mine(1);
        }
        return text(txid);
      } catch (e) {
        return text(`sendrawtransaction RPC error: ${JSON.stringify({ code: -26, message: e.message })}`, 400);
      }
    }
    if (method !== 'GET') return text('Method not allowed', 405);
    if ((m = /^\/block-height\/([0-9]+)$/.exec(route))) return Number(m[1]) <= tip ? text(blockHash(Number(m[1]))) : text('Block not found', 404);
    if (route === '/blocks/tip/height') return text(tip);
    if (route === '/blocks/tip/hash') return text(blockHash(tip));
    if (route === '/fee-estimates') return json(fees);
    if ((m = /^\/address\/([a-zA-Z0-9]+)\/utxo$/.exec(route))) {
      const list = await ledger.listSpendable(m[1]);
      return json(
        list.map((o) => ({ txid: o.outpoint.split(':')[0], vout: Number(o.outpoint.split(':')[1]), status: status(o.confirmations), value: Number(o.value) })),
      );
    }
    if ((m = /^\/tx\/([0-9a-f]{64})(\/hex|\/status|\/outspends|\/outspend\/([0-9]+))?$/.exec(route))) {
      const [, txid, tail, vout] = m;
      const confirmations = await txConfirmations(txid);
      const t = txs.get(txid);
      if (confirmations === undefined || !t) return text('Transaction not found', 404);
      if (tail === '/hex') return t.hex ? text(t.hex) : text('Transaction not found', 404);
      if (tail === '/status') return json(status(confirmations));
      const outspend = async (v) => {
        const by = await ledger.spentBy(`${txid}:${v}`);
        if (!by) return { spent: false };
        const spender = txs.get(by.txid);
        return { spent: true, txid: by.txid, vin: spender.vin.findIndex((i) => i.txid === txid && i.vout === v), status: status(by.confirmations) };
      };
      if (tail === '/outspends') return json(await Promise.all(Array.from({ length: t.vouts }, (_, v) => outspend(v))));
      if (vout !== undefined) return json(await outspend(Number(vout)));
      const vouts = await Promise.all(Array.from({ length: t.vouts }, (_, v) => outputOf(`${txid}:${v}`)));
      return json({
        txid,
        version: 2,
        locktime: 0,
        vin: t.vin.map((i) => ({ txid: i.txid, vout: i.vout, is_coinbase: false, sequence: 0xfffffffd })),
        vout: vouts.map((o) => ({
          scriptpubkey: o?.scriptPubKey ?? '',
          scriptpubkey_type: 'unknown',
          ...(o?.address ? { scriptpubkey_address: o.address } : {}),
          value: Number(o?.value ?? 0n),
        })),
        status: status(confirmations),
      });
    }
    return text('Not found', 404);
  }

  async function ord(route, accept) {
    if (!/application\/json/.test(accept ?? '')) return { status: 200, type: 'text/html', body: '<!doctype html><title>ord</title>' };
    const json = (value, code = 200) => ({ status: code, type: 'application/json', body: bigJson(value) });
    let m;
    if (route === '/status') return json({ chain: network, height: tip, index_runes: true, rune_index: true });
    if ((m = /^\/rune\/(.+)$/.exec(route))) {
      const key = decodeURIComponent(m[1]);
      const id = /^[0-9]+:[0-9]+$/.test(key) ? key : runeIds.get(key);
      if (!id || !runeIds.has(runeName(id))) return json({ error: 'rune not found' }, 404);
      const [block] = id.split(':').map(Number);
      return json({
        entry: {
          block,
          burned: 0,
          divisibility: 0,
          etching: sha(id),
          mints: 0,
          number: block,
          premine: 0,
          spaced_rune: runeName(id),
          symbol: null,
          terms: null,
          timestamp: 0,
          turbo: false,
        },
        id,
        mintable: false,
        parent: null,
      });
    }
    if ((m = /^\/output\/([0-9a-f]{64}):([0-9]+)$/.exec(route))) {
      const o = await outputOf(`${m[1]}:${m[2]}`);
      if (!o) return { status: 404, type: 'text/plain', body: `output ${m[1]}:${m[2]} not found` };
      return json({
        address: o.address ?? null,
        confirmations: o.confirmations,
        indexed: true,
        inscriptions: o.inscriptions,
        outpoint: o.outpoint,
        runes: Object.fromEntries(o.runes.map((r) => [runeName(r.id), { amount: r.amount, divisibility: 0, symbol: null }])),
        sat_ranges: null,
        script_pubkey: o.scriptPubKey,
        spent: o.spent,
        transaction: m[1],
        value: Number(o.value),
      });
    }
    return { status: 404, type: 'text/plain', body: 'Not found' };
  }

  async function alkanes(body) {
    let req;
    try {
      req = JSON.parse(body);
    } catch {
      return { status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }) };
    }
    const reply = (result) => ({ status: 200, type: 'application/json', body: JSON.stringify({ jsonrpc: '2.0', id: req.id, ...result }) });
    if (req.method === 'btc_getblockhash') return reply({ result: blockHash(Number(req.params?.[0])) });
    if (req.method === 'alkanes_protorunesbyoutpoint') {
      const p = req.params?.[0];
      const o = p && (await outputOf(`${reverseHex(String(p.txid))}:${p.vout}`));
      const hex = (n) => `0x${BigInt(n).toString(16)}`;
      return reply({
        result: (o?.alkanes ?? []).map((a) => ({
          token: { id: { block: hex(a.id.split(':')[0]), tx: hex(a.id.split(':')[1]) }, name: `ALKANE ${a.id}`, symbol: 'A' },
          value: hex(a.amount),
        })),
      });
    }
    return reply({ error: { code: -32601, message: `Method not found: ${req.method}` } });
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url, 'http://127.0.0.1');
      const route = url.pathname;
      requests.push({ method: req.method, path: route, accept: req.headers.accept ?? '', body: body.slice(0, 2000) });
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', '*');
      res.setHeader('Access-Control-Max-Age', '600');
      if (req.method === 'OPTIONS') return res.writeHead(204).end();
      try {
        const rule = scripts.find(
          (s) =>
            (s.method ?? 'GET') === req.method &&
            (s.path === route || (s.prefix && route.startsWith(s.prefix))) &&
            (!s.bodyIncludes || body.includes(s.bodyIncludes)),
        );
        let answer;
        if (rule) {
          if (--rule.times <= 0) scripts = scripts.filter((s) => s !== rule);
          if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
          if (rule.destroy) return req.socket.destroy();
          answer = { status: rule.status ?? 200, type: rule.type ?? 'application/json', body: rule.body ?? '' };
        } else if (route.startsWith('/esplora/')) answer = await esplora(req.method, route.slice('/esplora'.length), body);
        else if (route.startsWith('/ord/')) answer = await ord(route.slice('/ord'.length), req.headers.accept);
        else if (route === '/alkanes' && req.method === 'POST') answer = await alkanes(body);
        else answer = { status: 404, type: 'text/plain', body: 'Not found' };
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body);
      } catch (e) {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`chain server: ${e.message}`);
      }
    });
  });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => server.listen(0, '127.0.0.1', resolve).once('error', reject));
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    network,
    ledger,
    fund,
    mine,
    runeName,
    /** Canned answers for the next `times` matching requests: {method?, path | prefix, status?, body?, type?, delayMs?, destroy?, times?}. */
    script(rules) {
      scripts.push(...rules.map((r) => ({ ...r, times: r.times ?? 1 })));
    },
    clearScripts() {
      scripts = [];
    },
    requests(clear = false) {
      const list = requests;
      if (clear) requests = [];
      return list;
    },
    setFees(next) {
      fees = next;
    },
    stop() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
