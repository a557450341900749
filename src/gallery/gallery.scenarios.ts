/**
 * Every widget in each of its states, each built on services of the in-memory transport and driven there by the
 * widgets' own features (real engines, real signed orders and chat items, a real in-memory wallet and ledger), or,
 * for what only a network decides (connecting, a failure to reach signaling, reconnecting), by setting that
 * status on the in-memory service the way the real one reports it. A state a widget does not have is listed with
 * the reason. No scenario opens a socket.
 */
import { DarkswapConnectionError } from '../core/errors.js';
import type { MemoryConnection } from '../core/memory-connection.js';
import { featureFor } from '../features/registry.js';
import { CHAT_FEATURE, ChatEngine } from '../features/chat/chat.engine.js';
import { MemoryChatStore } from '../features/chat/chat.store.js';
import { OrderbookStore } from '../features/orderbook/orderbook.store.js';
import { DEMO_CHANNEL } from '../components/demo/demo.types.js';
import { DemoMessageSchema, DEMO_MAX_BYTES } from '../components/demo/demo.model.js';
import type { DarkswapDemo } from '../components/demo/demo.js';
import type { DarkswapTrade } from '../components/trade/trade.js';
import type { DarkswapFileShare } from '../components/file-share/file-share.js';
import type { DarkswapGroupChat } from '../components/group-chat/group-chat.js';
import type { DarkswapPeerDiscovery } from '../components/peer-discovery/peer-discovery.js';
import { element, linked, offstage, part, until, type Stage } from './gallery.stage.js';

export const GALLERY_STATES = ['no-provider', 'connecting', 'empty', 'populated', 'incoming-offer', 'review', 'failed', 'reconnecting'] as const;
export type GalleryState = (typeof GALLERY_STATES)[number];

export const STATE_LABELS: Readonly<Record<GalleryState, string>> = {
  'no-provider': 'No provider',
  connecting: 'Connecting',
  empty: 'Empty',
  populated: 'Populated',
  'incoming-offer': 'Incoming offer',
  review: 'Review',
  failed: 'Failed',
  reconnecting: 'Reconnecting',
};

/** Builds one state: returns the widget (not yet in the page) once it shows that state, or a promise of it. */
export interface Scenario {
  /** What the card shows, in a sentence. */
  readonly note: string;
  /** Creates the widget; `settle` (after it is in the page) drives it into the state and resolves when it shows. */
  build(stage: Stage): Promise<{ el: HTMLElement; settle?: () => Promise<void> }>;
}

export interface GalleryWidget {
  readonly tag: string;
  readonly name: string;
  readonly states: Partial<Record<GalleryState, Scenario | string>>;
}

const RUNE = '840000:3';
const PAIR = `RUNE:${RUNE}/BTC`;
const out = (n: number) => `${n.toString(16).padStart(64, '0')}:0`;

// ---- states every widget shares (the connection's own) ------------------------------------------------------

const noProvider = (tag: string): Scenario => ({
  note: 'No <darkswap-connection> around it and no service set: the accessible "not connected" notice.',
  build: async () => ({ el: element(tag) }),
});

type Props = (stage: Stage) => Record<string, unknown>;
const none: Props = () => ({});

const connecting = (tag: string, props: Props = none): Scenario => ({
  note: 'The service is registering with signaling (status "connecting").',
  build: async (stage) => {
    const service = await stage.network.service({ open: false });
    service.setStatus('connecting');
    return { el: element(tag, { connection: service, ...props(stage) }) };
  },
});

const signalingFailed = (tag: string, props: Props = none): Scenario => ({
  note: 'Signaling could not be reached (status "error", code signaling-unreachable).',
  build: async (stage) => {
    const service = await stage.network.service({ open: false });
    service.setStatus('connecting');
    service.setStatus('error', new DarkswapConnectionError('signaling-unreachable', 'Cannot reach the signaling server at 127.0.0.1:9000.'));
    return { el: element(tag, { connection: service, ...props(stage) }) };
  },
});

const empty = (tag: string, note: string, props: Props = none): Scenario => ({
  note,
  build: async (stage) => ({ el: element(tag, { connection: await stage.network.service(), ...props(stage) }) }),
});

/** Signaling dropped and the link to a peer is recovering: service and link both "reconnecting". */
const reconnecting = (tag: string, props: Props = none): Scenario => ({
  note: 'Signaling dropped and the link to a peer is recovering (both "reconnecting").',
  build: async (stage) => {
    const [mine, theirs] = await linked(stage);
    const el = element(tag, { connection: mine, ...props(stage) });
    return {
      el,
      settle: async () => {
        await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
        mine.setStatus('reconnecting');
        mine.setLinkStatus(theirs.id, 'reconnecting');
      },
    };
  },
});

// ---- widget-specific states ---------------------------------------------------------------------------------

const demoPopulated: Scenario = {
  note: 'Linked to one peer, with messages both ways.',
  build: async (stage) => {
    const [mine, theirs] = await linked(stage);
    const el = element<DarkswapDemo>('darkswap-demo', { connection: mine, heading: 'WebRTC demo' });
    return {
      el,
      settle: async () => {
        await el.updateComplete;
        const channel = theirs.channel(DEMO_CHANNEL, { schema: DemoMessageSchema, maxBytes: DEMO_MAX_BYTES });
        el.send('Hello from this tab', theirs.id);
        channel.send(mine.id, { text: 'Hi! Both ways, no server in between.' });
        await until(() => el.shadowRoot!.querySelectorAll('[part~="message"]').length >= 2, 'demo messages');
      },
    };
  },
};

/** A maker on the other service places signed orders; the widget shows the book it received. */
const orderbookPopulated: Scenario = {
  note: 'Signed orders from a linked maker: asks, bids, spread and depth.',
  build: async (stage) => {
    // Stores first, link second: they exchange their books when the link opens.
    const [mine, theirs] = [await stage.network.service(), await stage.network.service()];
    const store = new OrderbookStore({ service: mine, persist: false });
    const maker = new OrderbookStore({ service: theirs, persist: false });
    await mine.connect(theirs.id);
    const el = element('darkswap-orderbook', { connection: mine, store }, { pair: PAIR });
    return {
      el,
      settle: async () => {
        const terms = { base: `RUNE:${RUNE}`, quote: 'BTC', side: 'sell' as const, price: 1010n, amount: 100n, outpoints: [out(1)] };
        await maker.place(terms);
        await maker.place({ ...terms, price: 1020n, amount: 250n, outpoints: [out(2)] });
        await maker.place({ ...terms, side: 'buy', price: 990n, amount: 300n, outpoints: [out(3)] });
        // (The level rows are virtualized: only those in view render, so wait for the summary.)
        await until(() => /1 bid, 2 asks/.test(part(el, 'summary')?.textContent ?? ''), 'orderbook summary');
      },
    };
  },
};

/** A buyer's and a seller's trade widget on linked services, with in-memory wallets on one in-memory ledger. */
/** Deadlines long enough that a card stays in its state while someone looks at it (the defaults are a minute or two). */
const HOLD = { accept: 3_600_000, verify: 3_600_000, sign: 3_600_000, complete: 3_600_000 };

async function tradeWorld(stage: Stage, deadlines: Record<string, number> = HOLD) {
  const { MemoryIndexer, MemoryWallet } = await import('../bitcoin/index.js');
  const indexer = new MemoryIndexer('regtest');
  const [seller, buyer] = await linked(stage);
  const sellerWallet = new MemoryWallet(stage.unique('seller'), { indexer });
  const buyerWallet = new MemoryWallet(stage.unique('buyer'), { indexer });
  indexer.fund(sellerWallet.address('p2tr'), 10_000n, { runes: [{ id: RUNE, amount: 1500n }] });
  indexer.fund(buyerWallet.address('p2wpkh'), 100_000n);
  const props = (wallet: unknown, store: string) => ({ wallet, indexer, storeName: store, deadlines });
  return { seller, buyer, sellerProps: props(sellerWallet, stage.unique('trade-seller')), buyerProps: props(buyerWallet, stage.unique('trade-buyer')) };
}

const buy = (el: DarkswapTrade, seller: string) =>
  el.propose(seller, { role: 'buyer', asset: { kind: 'rune', id: RUNE }, amount: 1000n, priceSats: 50_000n, feeRate: 2n });

/** The trade scenario: the widget on `side`, the other side's widget offstage; `drive` moves the trade on. */
function tradeScenario(
  note: string,
  side: 'seller' | 'buyer',
  drive: (mine: DarkswapTrade, other: DarkswapTrade, ids: { seller: string }) => Promise<void>,
  options: { deadlines?: Record<string, number>; alone?: boolean } = {},
): Scenario {
  return {
    note,
    build: async (stage) => {
      const w = await tradeWorld(stage, options.deadlines);
      const el = element<DarkswapTrade>('darkswap-trade', {
        connection: w[side],
        heading: side === 'seller' ? 'Trades (seller)' : 'Trades (buyer)',
        ...w[`${side}Props`],
      });
      return {
        el,
        settle: async () => {
          await el.ready;
          const otherSide = side === 'seller' ? 'buyer' : 'seller';
          const other =
            // `alone`: without a widget the other service has no trade engine and never answers.
            options.alone ? el : await offstage<DarkswapTrade>(stage, 'darkswap-trade', w[otherSide], w[`${otherSide}Props`]);
          if (other !== el) await other.ready;
          await drive(el, other, { seller: w.seller.id });
        },
      };
    },
  };
}

const lastTrade = (el: DarkswapTrade) => el.shadowRoot!.querySelector<HTMLElement>('[data-trade-id]')?.dataset.tradeId ?? '';

const tradeIncoming = tradeScenario('A buyer proposed a trade: accept or decline.', 'seller', async (mine, buyer, ids) => {
  const id = await buy(buyer, ids.seller);
  await until(() => mine.trade(id)?.state === 'incoming' && !!part(mine, 'accept-button'), 'incoming trade');
});

const tradePopulated = tradeScenario('My proposal waits for the seller to accept.', 'buyer', async (mine, _seller, ids) => {
  const id = await buy(mine, ids.seller);
  await until(() => mine.trade(id)?.state === 'proposed' && lastTrade(mine) === id, 'proposed trade');
});

const tradeReview = tradeScenario('Accepted and verified: the review of what I sign, before the wallet is asked.', 'seller', async (mine, buyer, ids) => {
  const id = await buy(buyer, ids.seller);
  await until(() => mine.trade(id)?.state === 'incoming', 'incoming trade');
  await mine.accept(id);
  await until(() => mine.trade(id)?.state === 'review' && !!part(mine, 'review'), 'trade review');
});

const tradeFailed = tradeScenario(
  'The seller never answered within the 1 s accept deadline set for the gallery: the trade failed, with the reason.',
  'buyer',
  async (mine, _seller, ids) => {
    const id = await buy(mine, ids.seller);
    await until(() => mine.trade(id)?.state === 'failed', 'failed trade', 10_000);
    await mine.updateComplete;
  },
  { deadlines: { ...HOLD, accept: 1_000 }, alone: true },
);

const fileShare = (side: 'sender' | 'receiver'): Scenario => ({
  note: side === 'receiver' ? 'A linked peer offers a file: accept or decline.' : 'I offered a file to a linked peer; it waits for them.',
  build: async (stage) => {
    const [mine, theirs] = await linked(stage);
    const el = element<DarkswapFileShare>('darkswap-file-share', { connection: mine, storageKey: stage.unique('files-mine') });
    return {
      el,
      settle: async () => {
        await el.updateComplete;
        const other = await offstage<DarkswapFileShare>(stage, 'darkswap-file-share', theirs, { storageKey: stage.unique('files-theirs') });
        const file = new File(['Design notes for the state gallery.\n'.repeat(40)], 'design-notes.txt', { type: 'text/plain' });
        const [from, toId] = side === 'receiver' ? [other, mine.id] : [el, theirs.id];
        await from.sendFiles([file], [toId]);
        await until(() => part(el, side === 'receiver' ? 'accept-button' : 'transfer'), side === 'receiver' ? 'the offer' : 'the transfer row');
      },
    };
  },
});

/** Chat engines on an in-memory store (nothing left in IndexedDB), leased for the life of the page. */
function memoryChat(service: MemoryConnection): void {
  featureFor(service, CHAT_FEATURE, (s) => new ChatEngine(s, { store: new MemoryChatStore() }));
}

const chat = (state: 'populated' | 'incoming-offer'): Scenario => ({
  note: state === 'populated' ? 'A group of two with messages both ways.' : 'A linked peer invited me to a group: join or not.',
  build: async (stage) => {
    // Engines first, link second: they sync when the link opens.
    const [mine, theirs] = [await stage.network.service(), await stage.network.service()];
    memoryChat(mine);
    memoryChat(theirs);
    await mine.connect(theirs.id);
    const el = element<DarkswapGroupChat>('darkswap-group-chat', { connection: mine, displayName: 'Me' });
    return {
      el,
      settle: async () => {
        await el.updateComplete;
        const other = await offstage<DarkswapGroupChat>(stage, 'darkswap-group-chat', theirs, { displayName: 'Ana' });
        await until(() => el.engine?.me && other.engine?.me, 'chat engines');
        const them = other.engine!;
        const group = await them.createGroup('Design review');
        await them.invite(group, mine.id);
        await until(() => el.engine!.group(group), 'invitation');
        if (state === 'populated') {
          await el.engine!.join(group);
          await until(() => them.group(group)?.members?.length === 2, 'joined', 8_000).catch(() => undefined);
          await them.send(group, 'Welcome! The tokens look right in dark mode too.');
          await el.engine!.send(group, 'Thanks, checking the 320 px layout now.');
          el.group = group;
          // (The message list is virtualized: only rows in view render, so wait for the engine and the open group.)
          await until(() => el.engine!.messages(group).length >= 2 && part(el, 'conversation-title')?.textContent === 'Design review', 'chat messages');
        } else {
          await until(() => !!part(el, 'invitation') || !!part(el, 'join-button'), 'invitation shown');
        }
      },
    };
  },
});

const discoveryPopulated: Scenario = {
  note: 'A linked peer saved as a contact.',
  build: async (stage) => {
    const [mine, theirs] = await linked(stage);
    const el = element<DarkswapPeerDiscovery>('darkswap-peer-discovery', { connection: mine });
    return {
      el,
      settle: async () => {
        await el.updateComplete;
        await until(() => el.engine, 'discovery engine');
        await el.engine!.addContact(theirs.id, 'Ana (designer)');
        await until(() => !!el.shadowRoot?.textContent?.includes('Ana (designer)'), 'contact shown');
      },
    };
  },
};

const withPeer = (tag: string, note: string, props: Record<string, unknown> = {}): Scenario => ({
  note,
  build: async (stage) => {
    const [mine] = await linked(stage);
    return { el: element(tag, { connection: mine, ...props }) };
  },
});

// ---- the table ------------------------------------------------------------------------------------------------

const MEDIA = 'A call needs a camera or microphone and a media path on a real WebRTC link; the gallery opens neither.';
const NO_OFFERS = 'This widget receives no offers.';
const SETTINGS_LOCAL = 'Settings are saved in this browser: the form and its status do not change with the connection.';
const NO_REVIEW = 'Only a trade has a "what you sign" review.';

/** The connection states every widget shows the same way, plus its own. */
function widget(tag: string, name: string, own: GalleryWidget['states'], props: Props = none): GalleryWidget {
  return {
    tag,
    name,
    states: {
      'no-provider': noProvider(tag),
      connecting: connecting(tag, props),
      'incoming-offer': NO_OFFERS,
      review: NO_REVIEW,
      failed: signalingFailed(tag, props),
      reconnecting: reconnecting(tag, props),
      ...own,
    },
  };
}

// Stores named for this page load, so no card reads another's (or the demo page's) saved state.
const orderbookProps: Props = () => ({ pair: PAIR });
const tradeProps: Props = (stage) => ({ storeName: stage.unique('trade') });
const fileProps: Props = (stage) => ({ storageKey: stage.unique('files') });
const settingsProps: Props = (stage) => ({ store: stage.unique('settings') });

export const GALLERY: readonly GalleryWidget[] = [
  widget('darkswap-demo', 'Demo', {
    empty: empty('darkswap-demo', 'Online, no peers yet: my id to share and the form to dial one.'),
    populated: demoPopulated,
  }),
  widget(
    'darkswap-orderbook',
    'Orderbook',
    {
      empty: empty('darkswap-orderbook', 'Online, nobody has posted an order for the pair.', orderbookProps),
      populated: orderbookPopulated,
      'incoming-offer': 'Taking an order proposes a trade: the offer arrives in the trade widget (see Trade — Incoming offer).',
    },
    orderbookProps,
  ),
  widget(
    'darkswap-trade',
    'Trade',
    {
      empty: {
        note: 'Online with a funded in-memory wallet, no trades yet: the form to propose one.',
        build: async (stage) => {
          const w = await tradeWorld(stage);
          return { el: element('darkswap-trade', { connection: w.buyer, ...w.buyerProps }) };
        },
      },
      populated: tradePopulated,
      'incoming-offer': tradeIncoming,
      review: tradeReview,
      failed: tradeFailed,
    },
    tradeProps,
  ),
  widget(
    'darkswap-file-share',
    'File share',
    {
      empty: empty('darkswap-file-share', 'Online, no transfers.', fileProps),
      populated: fileShare('sender'),
      'incoming-offer': fileShare('receiver'),
    },
    fileProps,
  ),
  widget('darkswap-av-call', 'Call', {
    empty: empty('darkswap-av-call', 'Online, no call: nobody linked to call yet.'),
    populated: withPeer('darkswap-av-call', 'A linked peer I can call (the call itself needs media: see Incoming offer).'),
    'incoming-offer': MEDIA,
  }),
  widget('darkswap-peer-discovery', 'Peer discovery', {
    empty: empty('darkswap-peer-discovery', 'Online, no room joined, no contacts.'),
    populated: discoveryPopulated,
    'incoming-offer': 'Invites are links a person opens (accept-invites); rooms need rendezvous beacons on a signaling server.',
  }),
  widget('darkswap-group-chat', 'Group chat', {
    empty: empty('darkswap-group-chat', 'Online, no groups yet: the form to create one.'),
    populated: chat('populated'),
    'incoming-offer': chat('incoming-offer'),
  }),
  widget('darkswap-network-status', 'Network status', {
    empty: empty('darkswap-network-status', 'Online, no links.'),
    populated: withPeer('darkswap-network-status', 'One open link with its peer and code (no live statistics: they come from a real RTCPeerConnection).'),
  }),
  widget(
    'darkswap-settings',
    'Settings',
    {
      'no-provider': {
        note: 'No settings store and no connection: the form, with "No settings store" and nothing to save to.',
        build: async () => ({ el: element('darkswap-settings') }),
      },
      empty: empty('darkswap-settings', 'A settings store and an open service: the defaults (nothing saved yet).', settingsProps),
      populated: 'The settings form is the same with or without peers (see Empty).',
      connecting: SETTINGS_LOCAL,
      failed: SETTINGS_LOCAL,
      reconnecting: SETTINGS_LOCAL,
    },
    settingsProps,
  ),
];
