// Functions that run inside a tab of the demo page (test/tabs.ts `tabEval` / `tabWait` send them as source text): each
// is self-contained, using nothing from this module or any other. Shared by the tests that drive demo tabs.

export function peerId(): string | null {
  const text = document.querySelector('darkswap-demo')?.shadowRoot?.querySelector('[part~="peer-id"]')?.textContent;
  return text && text !== '…' ? text : null;
}
export function connectTo(id: string): void {
  const root = document.querySelector('darkswap-demo')!.shadowRoot!;
  root.querySelector<HTMLInputElement>('#peer-input')!.value = id;
  root.querySelector<HTMLButtonElement>('[part~="connect-button"]')!.click();
}
export function linkedTo(id: string): boolean {
  const service = (document.querySelector('darkswap-connection') as unknown as { service?: { peers: string[] } }).service;
  return !!service?.peers.includes(id);
}
/** The first outpoint of the demo wallet holding `asset` (`rune 840000:3`, `alkane 2:1`), once listed. */
export function walletOutpoint(asset: string): string | null {
  document.getElementById('refresh-wallet')!.click();
  const li = [...document.querySelectorAll<HTMLLIElement>('#utxos li')].find(
    (e) => e.textContent!.includes(`of ${asset}`) && !e.textContent!.includes('unconfirmed'),
  );
  return li?.dataset.outpoint ?? null;
}
export function placeSellOrder(pair: string, price: string, amount: string, outpoint: string): void {
  const book = document.querySelector('darkswap-orderbook') as HTMLElement & { pair: string };
  book.pair = pair;
  const root = book.shadowRoot!;
  root.querySelector<HTMLInputElement>('input[name="side"][value="sell"]')!.checked = true;
  root.querySelector<HTMLInputElement>('[part~="price-input"]')!.value = price;
  root.querySelector<HTMLInputElement>('[part~="amount-input"]')!.value = amount;
  // The demo's orderbook checks orders against the ledger: the smallest fill must pay at least 546 sats (not dust).
  root.querySelector<HTMLInputElement>('[part~="min-fill-input"]')!.value = '50';
  root.querySelector<HTMLTextAreaElement>('[part~="outpoints-input"]')!.value = outpoint;
  const submit = root.querySelector<HTMLButtonElement>('[part~="submit-button"]')!;
  if (submit.disabled) throw new Error('Place order is disabled');
  submit.click();
}
export function orderbookNote(): string {
  const root = document.querySelector('darkswap-orderbook')!.shadowRoot!;
  return [...root.querySelectorAll('[part~="note"], [part~="error"], [part~="field-error"]')]
    .map((e) => e.textContent!.trim())
    .filter(Boolean)
    .join(' | ');
}
/** Opens the take form on the first ask of `pair` (expanding its level first); true once the form is open. */
export function openTake(pair: string): boolean {
  const book = document.querySelector('darkswap-orderbook') as HTMLElement & { pair: string };
  if (book.pair !== pair) {
    book.pair = pair; // rendered on the next update: look again then
    return false;
  }
  const root = book.shadowRoot!;
  const form = root.querySelector('[part~="take-form"]');
  if (form) return form.textContent!.includes(pair.split('/')[0]!);
  // The lists are virtualized against the window: scroll them into view, as a user would, so rows render.
  root.querySelector('[part~="asks"]')!.scrollIntoView({ block: 'center' });
  const take = root.querySelector<HTMLButtonElement>('[part~="asks"] [part~="take-button"]');
  if (take) take.click();
  else root.querySelector<HTMLButtonElement>('[part~="asks"] [part~="level-button"]')?.click();
  return false;
}
/** Proposes the trade from the open take form, then closes the form. */
export function submitTake(): void {
  const root = document.querySelector('darkswap-orderbook')!.shadowRoot!;
  root.querySelector<HTMLButtonElement>('[part~="take-submit"]')!.click();
  root.querySelector<HTMLButtonElement>('[part~="take-close"]')?.click();
}
export interface TradeView {
  id: string;
  state: string;
  role: string;
  txid?: string;
  failure?: { code: string; message: string };
}
export function tradeIn(id: string, state: string): TradeView | null {
  const el = document.querySelector('darkswap-trade') as unknown as { trades: TradeView[] };
  const r = (el.trades ?? []).find((t) => t.id === id);
  return r && r.state === state
    ? { id: r.id, state: r.state, role: r.role, txid: r.txid, failure: r.failure && { code: r.failure.code, message: r.failure.message } }
    : null;
}
export function newIncoming(known: string[]): string | null {
  const el = document.querySelector('darkswap-trade') as unknown as { trades: TradeView[] };
  return (el.trades ?? []).find((t) => t.state === 'incoming' && !known.includes(t.id))?.id ?? null;
}
/** Clicks a button of one trade in the trade widget; true if it was there and enabled. */
export function clickTrade(id: string, part: string): boolean {
  const b = document.querySelector('darkswap-trade')!.shadowRoot!.querySelector<HTMLButtonElement>(`[data-trade-id="${id}"] [part~="${part}"]`);
  if (!b || b.disabled) return false;
  b.click();
  return true;
}
export function reviewText(id: string): string | null {
  const r = document.querySelector('darkswap-trade')!.shadowRoot!.querySelector(`[data-trade-id="${id}"] [part~="review"]`);
  return r ? r.textContent!.replace(/\s+/g, ' ').trim() : null;
}
export function signCalls(): number | null {
  const w = (window as unknown as { darkswapDemoWallet?: { wallet: { signCalls: number } } }).darkswapDemoWallet;
  return w ? w.wallet.signCalls : null;
}
export async function ledgerOutput(outpoint: string): Promise<{ value: string; spent: boolean; runes: string[]; address?: string } | null> {
  const { ledger } = (
    window as unknown as {
      darkswapDemoWallet: {
        ledger: { getOutputs(o: string[]): Promise<Array<{ value: bigint; spent: boolean; address?: string; runes: { id: string; amount: bigint }[] }>> };
      };
    }
  ).darkswapDemoWallet;
  const [o] = await ledger.getOutputs([outpoint]);
  return o ? { value: o.value.toString(), spent: o.spent, address: o.address, runes: o.runes.map((r) => `${r.id}=${r.amount}`) } : null;
}
export async function myAddresses(): Promise<string[]> {
  const { wallet } = (window as unknown as { darkswapDemoWallet: { wallet: { getAccounts(): Promise<{ address: string }[]> } } }).darkswapDemoWallet;
  return (await wallet.getAccounts()).map((a) => a.address);
}
export function setDeadlines(d: Record<string, number>): void {
  (document.querySelector('darkswap-trade') as unknown as { deadlines: Record<string, number> }).deadlines = d;
}
export function unlinkedFrom(id: string): boolean {
  const service = (document.querySelector('darkswap-connection') as unknown as { service?: { peers: string[] } }).service;
  return !!service && !service.peers.includes(id);
}
/** The demo's connection service's open links. */
export function linkedPeers(): string[] {
  const service = (document.querySelector('darkswap-connection') as unknown as { service?: { peers: string[] } }).service;
  return [...(service?.peers ?? [])];
}
/** Whether the orderbook holds an order; with `reach`, where it says the maker is (null without a hint). */
export function bookOrder(orderId: string): { reach: string | null } | null {
  const store = (
    document.querySelector('darkswap-orderbook') as unknown as {
      orderbook?: { book: { has(id: string): boolean }; reachOf(id: string): { peer: string } | undefined };
    }
  ).orderbook;
  return store?.book.has(orderId) ? { reach: store.reachOf(orderId)?.peer ?? null } : null;
}
/**
 * From now on, records every `darkswap-order-taken` (its `peer` and `makerPeer`) and every text the trade widget's
 * take status shows (read back with `takesSeen`).
 */
export function recordTakes(): boolean {
  const w = window as unknown as { __takes?: { peer: string | null; makerPeer: string | null }[]; __takeStatus?: string[] };
  if (w.__takes) return true;
  const takes: { peer: string | null; makerPeer: string | null }[] = (w.__takes = []);
  const seen: string[] = (w.__takeStatus = []);
  document.addEventListener('darkswap-order-taken', (e) => {
    const d = (e as CustomEvent<{ peer?: string; makerPeer?: string }>).detail;
    takes.push({ peer: d.peer ?? null, makerPeer: d.makerPeer ?? null });
  });
  const root = document.querySelector('darkswap-trade')!.shadowRoot!;
  let shown = '';
  new MutationObserver(() => {
    const text = root.querySelector('[part~="take-status"]')?.textContent?.trim() ?? '';
    if (text === shown) return;
    shown = text;
    if (text) seen.push(text);
  }).observe(root, { subtree: true, childList: true, characterData: true });
  return true;
}
export function takesSeen(): { takes: { peer: string | null; makerPeer: string | null }[]; status: string[] } {
  const w = window as unknown as { __takes?: { peer: string | null; makerPeer: string | null }[]; __takeStatus?: string[] };
  return { takes: w.__takes ?? [], status: w.__takeStatus ?? [] };
}
/** The trade widget's error messages (form and commands), joined. */
export function tradeErrors(): string {
  const root = document.querySelector('darkswap-trade')!.shadowRoot!;
  return [...root.querySelectorAll('[part~="error"]')]
    .map((e) => e.textContent!.trim())
    .filter(Boolean)
    .join(' | ');
}
export function tradeCount(): number {
  return ((document.querySelector('darkswap-trade') as unknown as { trades?: unknown[] }).trades ?? []).length;
}
/**
 * The trade widget narrowed to 320 px: how far its panel scrolls sideways (`scrollWidth - clientWidth`, 0 when it
 * fits) and the shortest visible button, measured a frame after the width changed; the width is put back.
 */
export async function tradeAt320(): Promise<{ over: number; shortestButton: number }> {
  const el = document.querySelector<HTMLElement>('darkswap-trade')!;
  const before = el.style.inlineSize;
  el.style.inlineSize = '320px';
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const base = el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
  const heights = [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.getBoundingClientRect().height).filter((h) => h > 0);
  const result = { over: base.scrollWidth - base.clientWidth, shortestButton: Math.min(...heights) };
  if (result.over > 0) {
    const wide = [...el.shadowRoot!.querySelectorAll<HTMLElement>('*')]
      .filter((e) => e.scrollWidth > 330 || e.getBoundingClientRect().width > 330)
      .map((e) => `${e.localName}[${e.getAttribute('part') ?? e.className}] ${Math.round(e.getBoundingClientRect().width)}/${e.scrollWidth}`);
    (result as Record<string, unknown>).wide = wide.slice(0, 12);
  }
  el.style.inlineSize = before;
  return result;
}
