// The widgets the all-in-one (cdn/darkswap.js) does not carry in its first load: each is a lazy chunk that
// registers its element and brings its feature's API. The all-in-one loads one when its tag first appears in
// the page (lazy-widgets-watch.ts); `loadWidget()` loads one on demand, for its classes and engines.

/** Widget name → its module: the element's define file and its public API (src/api/<feature>.ts). */
const WIDGETS = {
  settings: () => Promise.all([import('./components/settings/darkswap-settings.js'), import('./api/settings.js')]),
  'av-call': () => Promise.all([import('./components/av-call/darkswap-av-call.js'), import('./api/call.js')]),
  'peer-discovery': () => Promise.all([import('./components/peer-discovery/darkswap-peer-discovery.js'), import('./api/discovery.js')]),
  'group-chat': () => Promise.all([import('./components/group-chat/darkswap-group-chat.js'), import('./api/chat.js')]),
  'file-share': () => Promise.all([import('./components/file-share/darkswap-file-share.js'), import('./api/file-share.js')]),
  wallet: () => Promise.all([import('./components/wallet/darkswap-wallet.js'), import('./api/wallet.js')]),
} as const;

/** The widgets `loadWidget()` loads (the all-in-one's lazy ones). */
export type LazyWidget = keyof typeof WIDGETS;

/** What `loadWidget(name)` resolves to: that widget's public API (its element class is registered by then). */
export type WidgetApi<N extends LazyWidget> = Awaited<ReturnType<(typeof WIDGETS)[N]>>[1];

/** The names `loadWidget()` accepts. */
export const LAZY_WIDGETS = Object.keys(WIDGETS) as LazyWidget[];

/**
 * Registers a widget's element (if no copy of it is registered yet) and resolves to its public API: its element
 * class, events, engine and protocol, as the npm package exports them. The all-in-one `cdn/darkswap.js` calls it
 * by itself when the widget's tag first appears; call it to use a widget's classes from script:
 *
 *   const { ChatEngine } = await DarkSwap.loadWidget('group-chat');
 */
export async function loadWidget<N extends LazyWidget>(name: N): Promise<WidgetApi<N>> {
  const load = WIDGETS[name] as (typeof WIDGETS)[LazyWidget] | undefined;
  if (!load) throw new TypeError(`loadWidget: unknown widget "${String(name)}" (one of ${LAZY_WIDGETS.join(', ')})`);
  const [, api] = await load();
  return api as WidgetApi<N>;
}
