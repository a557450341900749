// The trade widget's chain fee line (trade.chain-fee.ts) on a real element host, fed by the real chain adapters
// against the local chain server: the estimate clamped to the band, and a source that cannot answer.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, render } from 'lit';
import { startChain } from '../../../test/chain-server.js';
import { connectChain } from '../../bitcoin/chain/index.js';
import { ChainFeeController, type FeeRateSource } from './trade.chain-fee.js';

class FeeHost extends LitElement {
  source: FeeRateSource | undefined;
  band = { min: 1n, max: 100n };
  readonly fee = new ChainFeeController(this, { source: () => this.source, band: () => this.band, wanted: () => true });
  override render() {
    return this.fee.line('2');
  }
}
customElements.define('test-chain-fee-host', FeeHost);

const lineOf = async (el: FeeHost): Promise<string> => {
  for (let i = 0; i < 100 && !el.shadowRoot!.querySelector('[part="review-chain-fee"]'); i++) await new Promise((r) => setTimeout(r, 30));
  return el.shadowRoot!.querySelector('[part="review-chain-fee"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
};

describe('trade: the chain fee estimate line', function () {
  this.timeout(20_000);

  it('shows Esplora’s estimate within the band, clamps one above it, and says when the source cannot answer', async () => {
    const chain = await startChain();
    try {
      const indexer = await connectChain({ network: 'regtest', esplora: chain.esplora, http: { cacheTtlMs: 0, retries: 0, timeoutMs: 2_000 } });
      await chain.fees({ 3: 12.2, 6: 8 });
      const el = await fixture<FeeHost>(html`<test-chain-fee-host></test-chain-fee-host>`);
      expect(el.shadowRoot!.textContent!.trim(), 'nothing without a source').to.equal('');
      el.source = indexer;
      el.requestUpdate();
      expect(await lineOf(el)).to.equal('Chain fee estimate now: 13 sat/vB (this trade: 2 sat/vB).');

      await chain.fees({ 1: 400, 3: 150.5 });
      const high = await fixture<FeeHost>(html`<test-chain-fee-host></test-chain-fee-host>`);
      high.source = indexer;
      high.requestUpdate();
      expect(await lineOf(high)).to.equal('Chain fee estimate now: 100 sat/vB (this trade: 2 sat/vB). The chain says 151; your band is 1–100 sat/vB.');

      await chain.stop();
      const down = await fixture<FeeHost>(html`<test-chain-fee-host></test-chain-fee-host>`);
      down.source = indexer;
      down.requestUpdate();
      expect(await lineOf(down)).to.match(/^Chain fee estimate unavailable: esplora: \/fee-estimates: cannot reach http:\/\/127\.0\.0\.1:\d+\/esplora/);
    } finally {
      await chain.stop();
      render(null, document.body);
    }
  });
});
