// The ord and alkanes adapters (and ChainIndexer, which joins them to Esplora) against the local chain server
// (scripts/chain-server.mjs) serving the in-memory ledger, and against recorded answers (fixtures/) for the
// formats and every error path: malformed, wrong shapes, lying values, wrong network.
import { expect } from '@open-wc/testing';
import { fixture, rejection, startChain, type TestChain } from '../../../test/chain-server.js';
import { AlkanesClient, reverseHex } from './alkanes.js';
import { ChainIndexer } from './chain-indexer.js';
import { EsploraClient } from './esplora.js';
import { OrdClient } from './ord.js';

const fast = { retries: 1, backoffMs: 10, timeoutMs: 2_000, cacheTtlMs: 0 };
const ADDRESS = 'bcrt1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqvg32hk';
const U128_MAX = 340282366920938463463374607431768211455n;

describe('chain adapters: ord and alkanes', function () {
  this.timeout(30_000);
  let chain: TestChain;
  before(async () => {
    chain = await startChain();
  });
  after(async () => {
    await chain.stop();
  });

  it('ord: runes and inscriptions of an output from the ledger (asks for JSON), names mapped to ids', async () => {
    const funded = await chain.fund(ADDRESS, 10_000, { runes: [{ id: '840000:3', amount: '1500' }] });
    const ord = new OrdClient(chain.ord, { network: 'regtest', ...fast });
    const out = await ord.output(funded.outpoint);
    expect(out).to.deep.equal({
      outpoint: funded.outpoint,
      value: 10_000n,
      scriptPubKey: (await chain.output(funded.outpoint))!.scriptPubKey,
      spent: false,
      runes: [{ id: '840000:3', amount: 1500n }],
      inscriptions: [],
    });
    expect(await ord.rune('840000:3')).to.deep.equal({ id: '840000:3', name: 'TEST•IEAAAA•D', divisibility: 0 });
    expect((await chain.requests()).filter((r) => r.path.startsWith('/ord/')).every((r) => r.accept === 'application/json')).to.equal(true);
    expect(await ord.output(`${'ef'.repeat(32)}:0`), 'unknown output').to.equal(undefined);
  });

  it('ord: a recorded answer with a u128 amount keeps every digit; the older list form reads the same', async () => {
    const txid = 'a1'.repeat(32);
    const outpoint = `${txid}:1`;
    const body = (await fixture('ord-output-runes.json')).replace('OUTPOINT', outpoint).replace('TXID', txid);
    const ord = new OrdClient(chain.ord, { network: 'mainnet', ...fast, cacheTtlMs: 60_000 });
    await chain.script(
      { path: '/ord/status', body: await fixture('ord-status-mainnet.json') },
      { path: `/ord/output/${outpoint}`, body },
      { path: `/ord/rune/${encodeURIComponent('UNCOMMON•GOODS')}`, body: await fixture('ord-rune-uncommon-goods.json') },
    );
    const out = await ord.output(outpoint);
    expect(out!.runes).to.deep.equal([{ id: '1:0', amount: U128_MAX }]);
    expect(out!.inscriptions).to.deep.equal(['6fb976ab49dcec017f1e201e84395983204ae1a7c2abf7ced0a85d692e442799i0']);
    expect(out!.value).to.equal(10_000n);
    const listed = body.replace(/"runes": \{\s*("UNCOMMON•GOODS"): (\{[^}]*\})\s*\}/, '"runes": [[$1, $2]]');
    expect(listed).to.contain('"runes": [["UNCOMMON•GOODS"');
    await chain.script({ path: `/ord/output/${txid}:2`, body: listed.replace(`${txid}:1`, `${txid}:2`) });
    expect((await ord.output(`${txid}:2`))!.runes).to.deep.equal([{ id: '1:0', amount: U128_MAX }]);
  });

  it('ord: refuses another outpoint, another transaction, a negative amount, an unknown or renamed rune, an unindexed output, HTML, another chain', async () => {
    const funded = await chain.fund(ADDRESS, 10_000, { runes: [{ id: '840000:3', amount: '1500' }] });
    const [txid] = funded.outpoint.split(':') as [string];
    const real = await (await fetch(`${chain.ord}/output/${funded.outpoint}`, { headers: { Accept: 'application/json' } })).text();
    const other = `${'bb'.repeat(32)}:0`;
    const runeAnswer = await (await fetch(`${chain.ord}/rune/840000:3`, { headers: { Accept: 'application/json' } })).text();
    const cases: [string, string, string, { path: string; body: string }[]?][] = [
      [real.replace(`"outpoint":"${funded.outpoint}"`, `"outpoint":"${other}"`), 'inconsistent', `asked for ${funded.outpoint}, got output ${other}`],
      [real.replace(`"transaction":"${txid}"`, `"transaction":"${'cc'.repeat(32)}"`), 'inconsistent', 'got transaction cccc'],
      [real.replace('"amount":1500', '"amount":-1500'), 'malformed', 'a negative amount'],
      [real.replace('"indexed":true', '"indexed":false'), 'behind', 'has not indexed this output yet'],
      [
        real.replace('"runes":{', '"runes":{"NOBODY•KNOWS":{"amount":5,"divisibility":0},'),
        'inconsistent',
        'lists rune NOBODY•KNOWS, which /rune does not know',
      ],
      [
        real,
        'inconsistent',
        'asked for TEST•IEAAAA•D, got OTHER•RUNE',
        [{ path: `/ord/rune/${encodeURIComponent('TEST•IEAAAA•D')}`, body: runeAnswer.replace('"spaced_rune":"TEST•IEAAAA•D"', '"spaced_rune":"OTHER•RUNE"') }],
      ],
      ['<!doctype html><title>ord</title>', 'malformed', 'is not JSON'],
      [real.replace(/"script_pubkey":"[0-9a-f]+"/, '"script_pubkey":42'), 'malformed', 'at script_pubkey'],
    ];
    for (const [body, code, words, extra] of cases) {
      await chain.script({ path: `/ord/output/${funded.outpoint}`, body }, ...(extra ?? []));
      // A fresh client each time: rune names are cached for an hour.
      const e = await rejection(new OrdClient(chain.ord, { network: 'regtest', ...fast }).output(funded.outpoint));
      expect(e.code, body.slice(0, 80)).to.equal(code);
      expect(e.message).to.contain(words);
    }
    await chain.script({ path: '/ord/status', body: await fixture('ord-status-mainnet.json') });
    const net = await rejection(new OrdClient(chain.ord, { network: 'regtest', ...fast }).output(funded.outpoint));
    expect([net.code, net.message]).to.deep.equal(['wrong-network', `ord: ${chain.ord} indexes mainnet, not regtest`]);
  });

  it('alkanes: balances per outpoint over JSON-RPC (txid in internal byte order), recorded answers, errors and lies', async () => {
    const funded = await chain.fund(ADDRESS, 10_000, { alkanes: [{ id: '2:1', amount: '1500' }] });
    const alkanes = new AlkanesClient(chain.alkanes, { network: 'regtest', ...fast });
    expect(await alkanes.protorunes(funded.outpoint)).to.deep.equal([{ id: '2:1', amount: 1500n }]);
    const [txid] = funded.outpoint.split(':') as [string];
    const sent = (await chain.requests())
      .filter((r) => r.path === '/alkanes' && r.method === 'POST')
      .map((r) => JSON.parse(r.body) as { method: string; params: unknown[] });
    expect(sent.at(-1)).to.deep.equal({
      jsonrpc: '2.0',
      id: 1,
      method: 'alkanes_protorunesbyoutpoint',
      params: [{ txid: reverseHex(txid), vout: 0, protocolTag: '1' }, 'latest'],
    } as unknown);
    expect(await alkanes.protorunes(`${'de'.repeat(32)}:0`), 'nothing there').to.deep.equal([]);

    const ask = (body: string) => chain.script({ method: 'POST', path: '/alkanes', bodyIncludes: 'protorunesbyoutpoint', body });
    await ask(await fixture('alkanes-protorunes-by-outpoint.json'));
    expect(await alkanes.protorunes(funded.outpoint)).to.deep.equal([
      { id: '2:0', amount: 32_000_000_000n },
      { id: '2:16', amount: 125_000_000n },
    ]);
    const cases: [string, string, string][] = [
      [
        '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"view function failed: unexpected EOF"}}',
        'http',
        'view function failed: unexpected EOF (code -32000)',
      ],
      ['{"jsonrpc":"2.0","id":7,"result":[]}', 'inconsistent', 'the answer is for request 7, not 1'],
      ['{"jsonrpc":"2.0","id":1,"result":[{"token":{"id":{"block":"0x2","tx":"0x1"}},"value":"-5"}]}', 'malformed', 'a negative number'],
      ['{"jsonrpc":"2.0","id":1,"result":{"balances":[]}}', 'malformed', 'unexpected answer'],
      ['{"jsonrpc":"2.0","id":1', 'malformed', 'is not JSON'],
    ];
    for (const [body, code, words] of cases) {
      await ask(body);
      const e = await rejection(alkanes.protorunes(funded.outpoint));
      expect(e.code, body).to.equal(code);
      expect(e.message).to.contain(words);
    }
    await chain.script({
      method: 'POST',
      path: '/alkanes',
      bodyIncludes: 'btc_getblockhash',
      body: '{"jsonrpc":"2.0","id":1,"result":"000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"}',
    });
    const net = await rejection(new AlkanesClient(chain.alkanes, { network: 'regtest', ...fast }).protorunes(funded.outpoint));
    expect([net.code, net.message]).to.deep.equal(['wrong-network', `alkanes: ${chain.alkanes} serves mainnet, not regtest`]);
  });

  it('ChainIndexer: one OutputInfo from all three; Esplora and ord must agree on the value', async () => {
    const funded = await chain.fund(ADDRESS, 12_000, { runes: [{ id: '840000:3', amount: '700' }], alkanes: [{ id: '2:1', amount: '9' }] });
    const indexer = new ChainIndexer({
      esplora: new EsploraClient(chain.esplora, { network: 'regtest', ...fast }),
      ord: new OrdClient(chain.ord, { network: 'regtest', ...fast }),
      alkanes: new AlkanesClient(chain.alkanes, { network: 'regtest', ...fast }),
    });
    const [out] = await indexer.getOutputs([funded.outpoint, `${'fe'.repeat(32)}:0`]);
    expect(out).to.deep.include({ outpoint: funded.outpoint, value: 12_000n, address: ADDRESS, spent: false, confirmations: 6 });
    expect(out!.runes).to.deep.equal([{ id: '840000:3', amount: 700n }]);
    expect(out!.alkanes).to.deep.equal([{ id: '2:1', amount: 9n }]);
    expect((await indexer.listSpendable(ADDRESS)).map((o) => o.outpoint)).to.include(funded.outpoint);
    const real = await (await fetch(`${chain.ord}/output/${funded.outpoint}`, { headers: { Accept: 'application/json' } })).text();
    await chain.script({ path: `/ord/output/${funded.outpoint}`, body: real.replace('"value":12000', '"value":12001') });
    const e = await rejection(indexer.getOutputs([funded.outpoint]));
    expect([e.code, e.message]).to.deep.equal(['inconsistent', `chain: ${funded.outpoint}: Esplora says 12000 sats, ord 12001`]);
  });
});
