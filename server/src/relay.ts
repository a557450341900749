// Routing of relayed messages: to a client of this node, through the cluster to the node holding the peer, or
// into a short queue while the peer is not registered anywhere (then EXPIRE to the sender, as PeerServer does).
import type { Cluster } from './cluster.js';
import type { Metrics } from './metrics.js';

/** A registered client as the relay sees it. */
export interface RelayClient {
  readonly id: string;
  send(json: string): void;
}

interface Waiting {
  since: number;
  messages: Array<{ src: string; type: string; json: string }>;
}

export interface RelayLimits {
  expireTimeoutMs: number;
  maxQueuedPerPeer: number;
  maxQueuedTotal: number;
}

export class Relay {
  readonly clients = new Map<string, RelayClient>();
  private readonly waiting = new Map<string, Waiting>();
  private queued = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly metrics: Metrics,
    private readonly limits: RelayLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Relays a message from `src` (already checked) to `dst`. */
  send(type: string, src: string, dst: string, payload: unknown): void {
    const json = payload === undefined ? JSON.stringify({ type, src, dst }) : JSON.stringify({ type, src, dst, payload });
    this.route(type, src, dst, json);
  }

  private route(type: string, src: string, dst: string, json: string): void {
    const local = this.clients.get(dst);
    if (local) {
      local.send(json);
      this.metrics.messages.inc({ type, route: 'local' });
      return;
    }
    if (this.cluster.kind === 'memory') {
      this.park(type, src, dst, json);
      return;
    }
    this.cluster.forward(dst, json).then(
      (sent) => {
        if (sent) this.metrics.messages.inc({ type, route: 'remote' });
        else this.park(type, src, dst, json);
      },
      () => this.park(type, src, dst, json),
    );
  }

  /** A message another node forwarded for one of my clients. */
  deliver(dst: string, json: string): void {
    this.metrics.fromCluster.inc();
    const local = this.clients.get(dst);
    if (local) {
      local.send(json);
      return;
    }
    // Gone between the lookup and now: wait for it like any message to an absent peer.
    let parsed: { type?: unknown; src?: unknown };
    try {
      parsed = JSON.parse(json) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.type === 'string' && typeof parsed.src === 'string') this.park(parsed.type, parsed.src, dst, json);
  }

  /** Keeps a message for an absent peer (LEAVE and EXPIRE are dropped, as PeerServer does). */
  private park(type: string, src: string, dst: string, json: string): void {
    if (type === 'LEAVE' || type === 'EXPIRE') {
      this.metrics.messages.inc({ type, route: 'dropped' });
      return;
    }
    let w = this.waiting.get(dst);
    if (!w && this.queued >= this.limits.maxQueuedTotal) {
      // Full: no new entries (a flood to made-up ids must not grow the map).
      this.metrics.messages.inc({ type, route: 'dropped' });
      return;
    }
    if (!w) {
      w = { since: this.now(), messages: [] };
      this.waiting.set(dst, w);
      this.cluster.notePending(dst);
    }
    if (w.messages.length >= this.limits.maxQueuedPerPeer || this.queued >= this.limits.maxQueuedTotal) {
      this.metrics.messages.inc({ type, route: 'dropped' });
      // The sender still hears that the peer did not come (EXPIRE), from the entry that exists.
      if (!w.messages.some((m) => m.src === src)) w.messages.push({ src, type: 'dropped', json: '' });
      return;
    }
    w.messages.push({ src, type, json });
    this.queued++;
    this.metrics.queued.set(this.queued);
    this.metrics.messages.inc({ type, route: 'queued' });
  }

  /** `client` registered here: give it what waits for it. */
  registered(client: RelayClient): void {
    this.clients.set(client.id, client);
    this.metrics.clients.set(this.clients.size);
    const w = this.take(client.id);
    if (w) for (const m of w.messages) if (m.json) client.send(m.json);
  }

  /** `id` registered on another node: forward what waits here for it. */
  flush(id: string): void {
    const w = this.take(id);
    if (w) for (const m of w.messages) if (m.json) this.route(m.type, m.src, id, m.json);
  }

  /** Forgets a client (its socket closed, or another socket or node took its id over). */
  remove(client: RelayClient): boolean {
    if (this.clients.get(client.id) !== client) return false;
    this.clients.delete(client.id);
    this.metrics.clients.set(this.clients.size);
    return true;
  }

  private take(id: string): Waiting | undefined {
    const w = this.waiting.get(id);
    if (!w) return undefined;
    this.waiting.delete(id);
    this.queued -= w.messages.filter((m) => m.json).length;
    this.metrics.queued.set(this.queued);
    return w;
  }

  /** Sends EXPIRE for messages that waited too long (called periodically). */
  expire(): void {
    const deadline = this.now() - this.limits.expireTimeoutMs;
    for (const [dst, w] of this.waiting) {
      if (w.since > deadline) continue;
      this.take(dst);
      for (const src of new Set(w.messages.map((m) => m.src))) {
        this.metrics.expired.inc();
        this.send('EXPIRE', dst, src, undefined);
      }
    }
  }
}
