// The Esplora adapter against a real local HTTP server (scripts/chain-server.mjs) serving the in-memory ledger
// in Esplora's format, and against recorded Esplora answers (fixtures/) for the formats and every error path.
import { expect } from '@open-wc/testing';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { p2wpkh, Transaction } from '@scure/btc-signer';
import { fixture, rejection, startChain, type TestChain } from '../../../test/chain-server.js';
import { networkParams } from '../network.js';
import { EsploraClient } from './esplora.js';
import { ChainIndexer } from './chain-indexer.js';

const GENESIS_TXID = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';
const MAINNET_GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';
const fast = { retries: 2, backoffMs: 10, timeoutMs: 2_000, cacheTtlMs: 0 };

/** A regtest P2WPKH key of this test's own (play money on the local ledger). */
function key(seed: string) {
  const priv = sha256(utf8ToBytes(`darkswap/esplora-test/${seed}`));
  const pay = p2wpkh(secp256k1.getPublicKey(priv, true), networkParams('regtest'));
  return { priv, script: pay.script, address: pay.address! };
}

/** A signed transaction spending `outpoint` (value `value`) to `to`, paying `fee`. */
function spend(k: ReturnType<typeof key>, outpoint: string, value: bigint, to: string, fee: bigint): { hex: string; txid: string } {
  const [txid, vout] = outpoint.split(':') as [string, string];
  const tx = new Transaction();
  tx.addInput({ txid, index: Number(vout), witnessUtxo: { script: k.script, amount: value }, sequence: 0xfffffffd });
  tx.addOutputAddress(to, value - fee, networkParams('regtest'));
  tx.sign(k.priv);
  tx.finalize();
  return { hex: tx.hex, txid: tx.id };
}

describe('chain adapters: Esplora', function () {
  this.timeout(30_000);
  let chain: TestChain;
  before(async () => {
    chain = await startChain();
  });
  after(async () => {
    await chain.stop();
  });

  it('reads outputs, UTXOs, status and spends from the ledger, and broadcasts (a refusal in the node’s words, never retried)', async () => {
    const alice = key('alice');
    const bob = key('bob');
    const funded = await chain.fund(alice.address, 50_000);
    const esplora = new EsploraClient(chain.esplora, { network: 'regtest', ...fast });
    const out = await esplora.output(funded.outpoint);
    expect(out).to.deep.include({
      outpoint: funded.outpoint,
      value: 50_000n,
      scriptPubKey: Buffer_hex(alice.script),
      address: alice.address,
      spent: false,
      confirmations: 6,
    });
    expect((await esplora.utxos(alice.address)).map((u) => u.outpoint)).to.deep.equal([funded.outpoint]);
    const fundTxid = funded.outpoint.split(':')[0]!;
    expect(await esplora.txStatus(fundTxid)).to.deep.equal({ state: 'confirmed', confirmations: 6 });
    expect(await esplora.txStatus('ab'.repeat(32))).to.deep.equal({ state: 'unknown', confirmations: 0 });
    expect(await esplora.spentBy(funded.outpoint)).to.equal(undefined);
    expect(await esplora.output(`${fundTxid}:1`), 'no such output').to.equal(undefined);

    const pay = spend(alice, funded.outpoint, 50_000n, bob.address, 500n);
    expect(await esplora.broadcast(pay.hex)).to.equal(pay.txid);
    expect(await esplora.txStatus(pay.txid)).to.deep.equal({ state: 'mempool', confirmations: 0 });
    expect(await esplora.spentBy(funded.outpoint)).to.deep.equal({ txid: pay.txid, confirmations: 0 });
    expect(await esplora.txHex(pay.txid)).to.equal(pay.hex);
    await chain.mine(2);
    expect(await esplora.txStatus(pay.txid)).to.deep.equal({ state: 'confirmed', confirmations: 2 });
    expect((await esplora.output(`${pay.txid}:0`))!.value).to.equal(49_500n);

    // A second spend of the same output (confirmed now): the ledger's reason comes through in plain words, once.
    await chain.requests(true);
    const again = spend(alice, funded.outpoint, 50_000n, alice.address, 1_000n);
    const e = await rejection(esplora.broadcast(again.hex));
    expect(e.code).to.equal('rejected');
    expect(e.message).to.equal(`esplora: the node refused the transaction: input 0: ${funded.outpoint} is already spent (code -26)`);
    expect((await chain.requests()).filter((r) => r.method === 'POST')).to.have.length(1);
  });

  it('reads recorded Esplora answers: a transaction, an unspent output, fee estimates (target → sat/vB, rounded up)', async () => {
    const esplora = new EsploraClient(chain.esplora, { network: 'mainnet', ...fast });
    await chain.script(
      { path: '/esplora/block-height/0', body: MAINNET_GENESIS, type: 'text/plain' },
      { path: `/esplora/tx/${GENESIS_TXID}`, body: await fixture('esplora-tx-genesis-coinbase.json') },
      { path: `/esplora/tx/${GENESIS_TXID}/outspend/0`, body: await fixture('esplora-outspend-unspent.json') },
      { path: '/esplora/blocks/tip/height', body: '871234', type: 'text/plain' },
      { path: '/esplora/fee-estimates', body: await fixture('esplora-fee-estimates.json'), times: 3 },
    );
    const out = await esplora.output(`${GENESIS_TXID}:0`);
    expect(out).to.deep.equal({
      outpoint: `${GENESIS_TXID}:0`,
      value: 5_000_000_000n,
      scriptPubKey: '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac',
      spent: false,
      confirmations: 871_235,
    });
    expect(await esplora.feeRate(1)).to.equal(88n);
    expect(await esplora.feeRate(6)).to.equal(69n);
    expect(await esplora.feeRate(2000), 'beyond the slowest target: the slowest').to.equal(2n);
  });

  it('refuses malformed, wrong-shaped and lying answers with typed errors', async () => {
    const esplora = new EsploraClient(chain.esplora, { network: 'regtest', ...fast });
    const funded = await chain.fund(key('carol').address, 10_000);
    const txid = funded.outpoint.split(':')[0]!;
    const real = await (await fetch(`${chain.esplora}/tx/${txid}`)).text();
    const cases: [string, string, string][] = [
      ['{"txid": "', 'malformed', 'is not JSON'],
      [JSON.stringify({ ...JSON.parse(real), vout: undefined }), 'malformed', 'at vout'],
      [real.replace('"value":10000', '"value":-10000'), 'malformed', 'a negative amount'],
      [real.replace(/"scriptpubkey":"[0-9a-f]+"/, '"scriptpubkey":"not hex"'), 'malformed', 'at vout.0.scriptpubkey'],
      [JSON.stringify({ ...JSON.parse(real), txid: 'cd'.repeat(32) }), 'inconsistent', `asked for transaction ${txid}, got ${'cd'.repeat(32)}`],
    ];
    for (const [body, code, words] of cases) {
      await chain.script({ path: `/esplora/tx/${txid}`, body });
      const e = await rejection(esplora.output(funded.outpoint)).catch((x: Error) => {
        throw new Error(`${body.slice(0, 80)}: ${x.message}`);
      });
      expect(e.code, body.slice(0, 60)).to.equal(code);
      expect(e.message).to.contain(words);
    }
    // An outspend naming a spender that does not spend this output.
    const other = await chain.fund(key('dave').address, 10_000);
    const k = key('dave');
    const tx = spend(k, other.outpoint, 10_000n, k.address, 300n);
    await esplora.broadcast(tx.hex);
    await chain.script({ path: `/esplora/tx/${txid}/outspend/0`, body: JSON.stringify({ spent: true, txid: tx.txid, vin: 0, status: { confirmed: false } }) });
    const lie = await rejection(esplora.spentBy(funded.outpoint));
    expect(lie.code).to.equal('inconsistent');
    expect(lie.message).to.contain(`says ${tx.txid} input 0 spends ${funded.outpoint}`);
    // Fee estimates that are not rates.
    await chain.script({ path: '/esplora/fee-estimates', body: '{"1": "fast"}' });
    expect((await rejection(esplora.feeRate(1))).code).to.equal('malformed');
  });

  it('retries reads after 500s and connection drops (with backoff), gives up with a typed error, times out', async () => {
    const esplora = new EsploraClient(chain.esplora, { network: 'regtest', ...fast });
    const funded = await chain.fund(key('erin').address, 20_000);
    const txid = funded.outpoint.split(':')[0]!;
    await esplora.checkNetwork();
    await chain.requests(true);
    await chain.script(
      { path: `/esplora/tx/${txid}`, status: 500, body: 'Internal Server Error', type: 'text/plain' },
      { path: `/esplora/tx/${txid}`, destroy: true },
    );
    expect(await esplora.txStatus(txid)).to.deep.equal({ state: 'confirmed', confirmations: 6 });
    const asked = (await chain.requests(true)).filter((r) => r.path === `/esplora/tx/${txid}`);
    expect(asked, '500, dropped, then the answer').to.have.length(3);

    await chain.script({ path: `/esplora/tx/${txid}`, status: 503, body: 'busy', type: 'text/plain', times: 3 });
    const gaveUp = await rejection(esplora.txStatus(txid));
    expect([gaveUp.code, gaveUp.status]).to.deep.equal(['http', 503]);
    expect(gaveUp.message).to.contain('HTTP 503 busy');
    expect((await chain.requests(true)).filter((r) => r.path === `/esplora/tx/${txid}`)).to.have.length(3);

    const impatient = new EsploraClient(chain.esplora, { network: 'regtest', retries: 0, timeoutMs: 200, cacheTtlMs: 0 });
    await impatient.checkNetwork();
    await chain.script({ path: `/esplora/tx/${txid}`, delayMs: 1_500, body: '{}' });
    const late = await rejection(impatient.txStatus(txid));
    expect(late.code).to.equal('timeout');
    expect(late.message).to.contain('no answer within 200 ms');

    // A broadcast is never retried: a 502 is reported once, as the node's (or proxy's) words.
    await chain.requests(true);
    await chain.script({ method: 'POST', path: '/esplora/tx', status: 502, body: 'Bad Gateway', type: 'text/plain' });
    const refused = await rejection(esplora.broadcast('00'.repeat(60)));
    expect([refused.code, refused.message]).to.deep.equal(['rejected', 'esplora: the node refused the transaction: Bad Gateway']);
    expect((await chain.requests()).filter((r) => r.method === 'POST')).to.have.length(1);
    // A recorded refusal by bitcoind behind Esplora: its message and code, without the RPC wrapping.
    await chain.script({ method: 'POST', path: '/esplora/tx', status: 400, body: await fixture('esplora-broadcast-rejected.txt'), type: 'text/plain' });
    const lowFee = await rejection(esplora.broadcast('00'.repeat(60)));
    expect([lowFee.code, lowFee.status, lowFee.message]).to.deep.equal([
      'rejected',
      400,
      'esplora: the node refused the transaction: min relay fee not met, 100 < 141 (code -26)',
    ]);
  });

  it('checks the network: block 0 of another chain, an address of another network, a wallet on another network', async () => {
    const wrong = new EsploraClient(chain.esplora, { network: 'testnet4', ...fast });
    const e = await rejection(wrong.tipHeight());
    expect(e.code).to.equal('wrong-network');
    expect(e.message).to.contain('serves regtest').and.to.contain('not testnet4');
    await chain.script({ path: '/esplora/block-height/0', body: await fixture('esplora-tx-genesis-coinbase.json') });
    const broken = await rejection(new EsploraClient(chain.esplora, { network: 'regtest', ...fast }).tipHeight());
    expect(broken.code).to.equal('malformed');

    const indexer = new ChainIndexer({ esplora: new EsploraClient(chain.esplora, { network: 'regtest', ...fast }) });
    const mainnetAddress = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    const notHere = await rejection(indexer.listSpendable(mainnetAddress));
    expect([notHere.code, notHere.message]).to.deep.equal(['wrong-network', `chain: ${mainnetAddress} is not a regtest address`]);
    expect(() => indexer.assertWalletNetwork('mainnet')).to.throw('the wallet is on mainnet, the chain adapters on regtest');
  });

  it('caches reads for a short time and forgets them after a broadcast', async () => {
    const esplora = new EsploraClient(chain.esplora, { network: 'regtest', ...fast, cacheTtlMs: 60_000 });
    const k = key('frank');
    const funded = await chain.fund(k.address, 30_000);
    await esplora.output(funded.outpoint);
    await chain.requests(true);
    expect((await esplora.output(funded.outpoint))!.spent).to.equal(false);
    expect(await chain.requests(), 'served from the cache').to.have.length(0);
    await esplora.broadcast(spend(k, funded.outpoint, 30_000n, k.address, 400n).hex);
    expect((await esplora.output(funded.outpoint))!.spent, 'read again after the broadcast').to.equal(true);
  });
});

function Buffer_hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
