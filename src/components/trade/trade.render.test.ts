// How finished trades are worded in the history: a cancel or a refusal is not listed as a failure.
import { expect } from '@open-wc/testing';
import { resultWord } from './trade.render.js';
import type { TradeRecord } from '../../features/trade/trade.record.js';

const record = (state: string, code?: string) => ({ state, ...(code ? { failure: { code, by: 'me', message: '' } } : {}) }) as unknown as TradeRecord;

describe('trade history wording', () => {
  it('Completed, Cancelled, Declined, Failed', () => {
    expect(resultWord(record('done'))).to.equal('Completed');
    expect(resultWord(record('failed', 'cancelled'))).to.equal('Cancelled');
    expect(resultWord(record('failed', 'rejected'))).to.equal('Declined');
    expect(resultWord(record('failed', 'deadline'))).to.equal('Failed');
    expect(resultWord(record('failed'))).to.equal('Failed');
  });
});
