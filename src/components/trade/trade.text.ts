/**
 * A trade failure's message in the page's language, made at render time. The record keeps the English text the
 * feature wrote (it is persisted and part of the history); this maps the texts the feature writes to their
 * translations through msg() and keeps anything else (an unknown or older text) as stored. Details inside a
 * message (the peer's own words, a verifier's or wallet's reason) stay as they came.
 */
import { msg, str } from '@lit/localize';
import type { TradeFailure } from '../../features/trade/trade.types.js';

const STEP_WORDS: Record<string, () => string> = {
  'answering the proposal': () => msg('answering the proposal'),
  'verifying the transaction': () => msg('verifying the transaction'),
  signing: () => msg('signing'),
  'signing and broadcasting the final transaction': () => msg('signing and broadcasting the final transaction'),
};

const WHO_WORDS: Record<string, () => string> = {
  'The counterparty did not finish': () => msg('The counterparty did not finish'),
  'Your wallet did not answer': () => msg('Your wallet did not answer'),
  'You did not answer': () => msg('You did not answer'),
  'This step did not finish': () => msg('This step did not finish'),
};

const PEER_ABORT_WORDS: Record<string, () => string> = {
  'The counterparty cancelled the trade': () => msg('The counterparty cancelled the trade'),
  "The counterparty's deadline passed": () => msg("The counterparty's deadline passed"),
  "The counterparty's verifier refused the transaction": () => msg("The counterparty's verifier refused the transaction"),
  'The counterparty found the terms invalid': () => msg('The counterparty found the terms invalid'),
  "The counterparty's wallet refused to sign": () => msg("The counterparty's wallet refused to sign"),
  'The counterparty has no wallet to trade with': () => msg('The counterparty has no wallet to trade with'),
  'The counterparty saw a protocol error': () => msg('The counterparty saw a protocol error'),
  'The counterparty could not broadcast the transaction': () => msg('The counterparty could not broadcast the transaction'),
};

const EXPOSED_TAIL = ' Your signature was already sent: spend your inputs to be safe.';

/** The failure's message for display, in the active language (the stored English text when it is not one the kit writes). */
export function failureText(failure: TradeFailure): string {
  const text = failure.message;
  switch (text) {
    case 'You declined the proposal.':
      return msg('You declined the proposal.');
    case 'You cancelled the trade before signing.':
      return msg('You cancelled the trade before signing.');
    case 'You have no wallet connected to trade with.':
      return msg('You have no wallet connected to trade with.');
    case 'No wallet and indexer: the trade cannot be verified or signed here.':
      return msg('No wallet and indexer: the trade cannot be verified or signed here.');
    case 'The counterparty declined.':
      return msg('The counterparty declined.');
  }
  let m: RegExpMatchArray | null;
  if ((m = /^You declined the proposal: ([\s\S]*)$/.exec(text))) {
    const reason = m[1];
    return msg(str`You declined the proposal: ${reason}`);
  }
  if ((m = /^The counterparty declined \(([\s\S]*)\)\.$/.exec(text))) {
    const reason = m[1];
    return msg(str`The counterparty declined (${reason}).`);
  }
  if ((m = /^The terms are invalid: ([\s\S]*)$/.exec(text))) {
    const why = m[1];
    return msg(str`The terms are invalid: ${why}`);
  }
  if ((m = /^Your wallet cannot make this trade: ([\s\S]*)\.$/.exec(text))) {
    const why = m[1];
    return msg(str`Your wallet cannot make this trade: ${why}.`);
  }
  if ((m = /^The counterparty broke the protocol: ([\s\S]*)\.$/.exec(text))) {
    const why = m[1];
    return msg(str`The counterparty broke the protocol: ${why}.`);
  }
  if ((m = /^The final transaction could not be finalized: ([\s\S]*)$/.exec(text))) {
    const why = m[1];
    return msg(str`The final transaction could not be finalized: ${why}`);
  }
  if ((m = /^The counterparty left and did not come back within (\d+) s \((.+)\)\.$/.exec(text)) && STEP_WORDS[m[2]!]) {
    const seconds = m[1];
    const step = STEP_WORDS[m[2]!]!();
    return msg(str`The counterparty left and did not come back within ${seconds} s (${step}).`);
  }
  if ((m = /^(.+) within (\d+) s: deadline for (.+) passed\.$/.exec(text)) && WHO_WORDS[m[1]!] && STEP_WORDS[m[3]!]) {
    const who = WHO_WORDS[m[1]!]!();
    const seconds = m[2];
    const step = STEP_WORDS[m[3]!]!();
    return msg(str`${who} within ${seconds} s: deadline for ${step} passed.`);
  }
  if (failure.by === 'peer' && (m = /^([^(]+) \(([\s\S]*)\)\.( Your signature was already sent: spend your inputs to be safe\.)?$/.exec(text))) {
    const what = PEER_ABORT_WORDS[m[1]!];
    if (what) {
      const words = what();
      const detail = m[2];
      return m[3] === EXPOSED_TAIL
        ? msg(str`${words} (${detail}). Your signature was already sent: spend your inputs to be safe.`)
        : msg(str`${words} (${detail}).`);
    }
  }
  return text;
}
