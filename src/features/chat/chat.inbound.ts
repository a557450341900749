/**
 * The checks every item arriving from a peer passes before anything is stored, shown or forwarded, cheapest
 * first: shape and sizes (parseItem), already known (a replay, or a second gossip path; repeats in answers to my
 * `get` are dropped without counting), the peer's item rate (answers
 * to my `get` are exempt), clock skew, the author's message rate, then the signature (WebCrypto, all of a page at
 * once). Each refusal is counted with its reason. An item refused for its signature is remembered with that
 * signature, so a forged copy never blocks the genuine item.
 */
import type { HybridClock } from './hlc.js';
import type { AuthorRates, ChatPeer } from './chat.peers.js';
import { parseItem, shortId, verifyItem, type ChatItem, type ChatRejectReason, type ChatVerifier, type ChatWireMessage } from './chat.protocol.js';
import type { ChatState } from './chat.state.js';

export interface ScreenHost {
  now(): number;
  readonly clock: HybridClock;
  readonly authors: AuthorRates;
  readonly verify: ChatVerifier;
  reject(peer: ChatPeer, reason: ChatRejectReason): void;
}

const REFUSED_MEMORY = 10_000;

export class ItemScreen {
  private readonly refused = new Set<string>();

  constructor(private readonly host: ScreenHost) {}

  /** The items of an `items` message that pass every check, in their order. */
  async items(m: Extract<ChatWireMessage, { t: 'items' }>, peer: ChatPeer, state: ChatState): Promise<{ items: ChatItem[]; wanted: Set<string> }> {
    const { host } = this;
    const now = host.now();
    const batch = new Set<string>();
    const fresh: ChatItem[] = [];
    const parsed = m.items.map(parseItem);
    const wanted = candidateGroups(
      parsed.flatMap((p) => (p.ok ? [p.item] : [])),
      state.me,
      m.re ? peer : undefined,
    );
    for (const p of parsed) {
      if (!p.ok) {
        host.reject(peer, p.reason);
        continue;
      }
      const item = p.item;
      if (batch.has(item.id) || state.known(item, wanted.has(item.g)) || this.refused.has(mark(item))) {
        // An answer to my `get` may overlap what arrived meanwhile: only pushed repeats count.
        if (!m.re) host.reject(peer, 'duplicate');
        continue;
      }
      const asked = m.re && (peer.requested.delete(shortId(item.id)) || (item.kind === 'op' && peer.requestedOps.has(item.g)));
      if (!asked && !peer.items.take(now)) {
        host.reject(peer, 'rate-limited');
        continue;
      }
      if (!host.clock.acceptable(item)) {
        host.reject(peer, 'future');
        continue;
      }
      if (item.kind === 'msg' && !m.re && !host.authors.take(item.a, now)) {
        host.reject(peer, 'rate-limited');
        continue;
      }
      batch.add(item.id);
      fresh.push(item);
    }
    if (!fresh.length) return { items: fresh, wanted };
    const verdicts = await Promise.all(fresh.map((item) => verifyItem(item, host.verify)));
    const items = fresh.filter((item, i) => {
      if (verdicts[i]) return true;
      if (this.refused.size >= REFUSED_MEMORY) this.refused.clear();
      this.refused.add(mark(item));
      host.reject(peer, 'bad-signature');
      return false;
    });
    return { items, wanted };
  }
}

/**
 * Groups I do not hold whose ops in this batch I want: an invitation of my key (or an op of mine from another
 * tab) came with them, or they answer my request for the group's ops.
 */
function candidateGroups(items: readonly ChatItem[], me: string, answering: ChatPeer | undefined): Set<string> {
  const out = new Set<string>();
  for (const i of items) {
    if (i.kind !== 'op') continue;
    if (i.who === me || i.a === me || answering?.requestedOps.has(i.g)) out.add(i.g);
  }
  return out;
}
const mark = (item: ChatItem) => `${item.id}:${item.wire.s.slice(0, 32)}`;
