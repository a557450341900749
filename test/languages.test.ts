// Languages (issue 18 item 5): the kit follows the page's `lang` — English by default, German when `<html lang="de">`,
// switched at runtime — numbers through Intl in the active language, and right-to-left pages mirror every widget.
// The tests run in order in one page: English first (nothing configured yet), then German, then back.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/darkswap.js';
import { provideConnection } from '../src/context/provide-connection.js';
import { formatBinaryBytes, formatDate, formatDecimal, formatNumber } from '../src/internal/format.js';
import { activeLocale, formatLocale, localeReady, messageLocaleFor } from '../src/internal/localize.js';
import { destroyServices, linkedPair, waitFor } from './harness.js';

type Widget = HTMLElement & { updateComplete: Promise<unknown> };

const TAGS = [
  'darkswap-demo',
  'darkswap-orderbook',
  'darkswap-trade',
  'darkswap-file-share',
  'darkswap-av-call',
  'darkswap-peer-discovery',
  'darkswap-group-chat',
  'darkswap-network-status',
  'darkswap-settings',
] as const;

/** One distinctive string per widget (a linked service on the page), in each language. */
const SAMPLES: Record<(typeof TAGS)[number], { en: string; de: string }> = {
  'darkswap-demo': { en: 'Your peer id:', de: 'Deine Peer-ID:' },
  'darkswap-orderbook': { en: 'New order', de: 'Neuer Auftrag' },
  'darkswap-trade': { en: 'Trades in progress', de: 'Laufende Trades' },
  'darkswap-file-share': { en: 'Choose files', de: 'Dateien wählen' },
  'darkswap-av-call': { en: 'Video call', de: 'Videoanruf' },
  'darkswap-peer-discovery': { en: 'My invite link', de: 'Mein Einladungslink' },
  'darkswap-group-chat': { en: 'New group', de: 'Neue Gruppe' },
  'darkswap-network-status': { en: 'Run check', de: 'Prüfung starten' },
  'darkswap-settings': { en: 'No settings store', de: 'Kein Einstellungsspeicher' },
};

/** Each widget's headings in each language (its default heading, translated). */
const HEADINGS: Record<(typeof TAGS)[number], { en: string; de: string }> = {
  'darkswap-demo': { en: 'WebRTC Demo', de: 'WebRTC-Demo' },
  'darkswap-orderbook': { en: 'Order book', de: 'Orderbuch' },
  'darkswap-trade': { en: 'Trade', de: 'Handel' },
  'darkswap-file-share': { en: 'Share files', de: 'Dateien teilen' },
  'darkswap-av-call': { en: 'Call', de: 'Anruf' },
  'darkswap-peer-discovery': { en: 'People', de: 'Personen' },
  'darkswap-group-chat': { en: 'Chat', de: 'Chat' },
  'darkswap-network-status': { en: 'Network', de: 'Netzwerk' },
  'darkswap-settings': { en: 'Settings', de: 'Einstellungen' },
};

const text = (el: Element) => el.shadowRoot?.textContent ?? '';
const root = document.documentElement;

async function widgets(wide = '640px'): Promise<Widget[]> {
  const [a] = await linkedPair();
  const wrap = await fixture<HTMLDivElement>(html`<div style="width: ${wide}">${TAGS.map((t) => document.createElement(t))}</div>`);
  provideConnection(wrap, a);
  const els = TAGS.map((t) => wrap.querySelector<Widget>(t)!);
  await waitFor(() => els.every((el, i) => text(el).includes(SAMPLES[TAGS[i]!][activeLocale() === 'de' ? 'de' : 'en'])), 10_000, 'every widget rendered');
  return els;
}

async function setLang(lang: string): Promise<void> {
  if (lang) root.lang = lang;
  else root.removeAttribute('lang');
  await waitFor(() => activeLocale() === messageLocaleFor(lang), 10_000, `messages in ${lang || 'English'}`);
  await localeReady();
}

describe('languages', function () {
  this.timeout(40_000);
  afterEach(destroyServices);
  after(() => {
    root.removeAttribute('lang');
    root.removeAttribute('dir');
  });

  it('is English by default, and an unshipped language stays English', async () => {
    root.removeAttribute('lang');
    const els = await widgets();
    expect(activeLocale()).to.equal('en');
    for (const [i, el] of els.entries()) {
      expect(text(el), TAGS[i]).to.include(SAMPLES[TAGS[i]!].en);
      expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent, TAGS[i]).to.equal(HEADINGS[TAGS[i]!].en);
    }
    root.lang = 'fr';
    await new Promise((r) => setTimeout(r, 100));
    expect(activeLocale()).to.equal('en');
    expect(text(els[0]!)).to.include('Your peer id:');
    expect(messageLocaleFor('de-AT')).to.equal('de');
    expect(messageLocaleFor('fr-CA')).to.equal('en');
  });

  it('shows every widget in German on a lang="de" page', async () => {
    await setLang('de');
    const els = await widgets();
    for (const [i, el] of els.entries()) {
      expect(text(el), TAGS[i]).to.include(SAMPLES[TAGS[i]!].de);
      expect(text(el), TAGS[i]).not.to.include(SAMPLES[TAGS[i]!].en);
      expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent, TAGS[i]).to.equal(HEADINGS[TAGS[i]!].de);
    }
    // The status lines too (the trade widget has no wallet here).
    expect(els[TAGS.indexOf('darkswap-trade')]!.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.equal('Keine Wallet');
    // A heading the page set stays as it is.
    (els[0] as Widget & { heading: string }).heading = 'Plaudern';
    await els[0]!.updateComplete;
    expect(els[0]!.shadowRoot!.querySelector('[part~="title"]')!.textContent).to.equal('Plaudern');
  });

  it('re-renders every widget when the page switches lang at runtime', async () => {
    await setLang('de');
    const els = await widgets();
    await setLang('en');
    await Promise.all(els.map((el) => el.updateComplete));
    for (const [i, el] of els.entries()) expect(text(el), `${TAGS[i]} back in English`).to.include(SAMPLES[TAGS[i]!].en);
    await setLang('de-CH');
    await Promise.all(els.map((el) => el.updateComplete));
    for (const [i, el] of els.entries()) expect(text(el), `${TAGS[i]} in German again`).to.include(SAMPLES[TAGS[i]!].de);
    expect(formatLocale()).to.equal('de-CH');
  });

  it('formats numbers, sizes and dates in the active language', async () => {
    await setLang('de');
    expect(formatNumber(1234.5)).to.equal('1.234,5');
    expect(formatDecimal('1234.50000001')).to.equal('1.234,50000001');
    expect(formatBinaryBytes(1536)).to.equal('1,5 KiB');
    expect(formatDate(Date.UTC(2026, 11, 5, 12), { dateStyle: 'short', timeZone: 'UTC' })).to.equal('05.12.26');
    // In a widget: the demo's message for a text over its 2,000 characters.
    const [demo] = (await widgets()) as [Widget & { send(text: string): void }];
    expect(() => demo.send('x'.repeat(2001))).to.throw('Nachrichten sind auf 2.000 Zeichen begrenzt; diese hat 2.001. Es wurde nichts gesendet.');
    await setLang('en');
    expect(() => demo.send('x'.repeat(2001))).to.throw('Messages are limited to 2,000 characters; this one has 2,001. Nothing was sent.');
    expect(formatNumber(1234.5)).to.equal('1,234.5');
    expect(formatDecimal('1234.50000001')).to.equal('1234.50000001');
    expect(formatBinaryBytes(1536)).to.equal('1.5 KiB');
  });

  it('mirrors every widget on a dir="rtl" page, still 320 px wide without sideways scrolling', async () => {
    await setLang('de');
    root.dir = 'rtl';
    try {
      const els = await widgets('320px');
      await new Promise((r) => setTimeout(r, 300));
      for (const [i, el] of els.entries()) {
        const base = el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
        expect(base.scrollWidth, `${TAGS[i]} (${base.scrollWidth} > ${base.clientWidth})`).to.be.at.most(base.clientWidth);
        // The heading starts at the right edge: its text's box sits in the right half of the widget.
        const title = el.shadowRoot!.querySelector('[part~="title"]')!;
        const range = document.createRange();
        range.selectNodeContents(title);
        const box = range.getBoundingClientRect();
        const frame = base.getBoundingClientRect();
        expect(box.right, `${TAGS[i]} heading at the right edge`).to.be.closeTo(frame.right, 40);
        expect(box.left, `${TAGS[i]} heading in the right half`).to.be.above(frame.left + frame.width / 2 - 40);
      }
    } finally {
      root.removeAttribute('dir');
    }
    // Left to right again: the heading is back on the left.
    const [ltr] = await widgets('320px');
    const title = ltr!.shadowRoot!.querySelector('[part~="title"]')!;
    const range = document.createRange();
    range.selectNodeContents(title);
    const base = ltr!.shadowRoot!.querySelector('[part~="base"]')!.getBoundingClientRect();
    expect(range.getBoundingClientRect().left).to.be.closeTo(base.left, 40);
  });
});
