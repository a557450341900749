// What a node shares with the others: who holds which peer id (claims), and a way to hand a message to the node
// that holds a peer. One in-memory node (cluster-memory.ts) or N nodes on Redis/Valkey (cluster-redis.ts).

export type ClaimResult = { result: 'new' } | { result: 'reclaimed'; previousNode: string } | { result: 'taken' };

/** What the cluster calls back into this node with. */
export interface ClusterHandlers {
  /** A message (PeerJS JSON) from another node for `dst`, a client of this node. */
  deliver(dst: string, json: string): void;
  /** Another node now holds `id` (the same token reconnected there): drop my socket for it. */
  kick(id: string): void;
  /** `id` registered on another node: forward the messages waiting here for it. */
  flush(id: string): void;
}

export interface Cluster {
  readonly kind: 'memory' | 'redis';
  start(handlers: ClusterHandlers): Promise<void>;
  /**
   * Claims `id` for this node: `new` when free, `reclaimed` when its holder (`previousNode`, maybe this node) has
   * the same token, `taken` when another token holds it.
   */
  claim(id: string, tokenHash: string): Promise<ClaimResult>;
  /** Lets go of ids this node holds (never of ids another node took over since). */
  release(ids: readonly string[]): Promise<void>;
  /** Keeps this node's claims alive; returns the ids another node holds now (they are no longer mine). */
  refresh(claims: ReadonlyArray<{ id: string; tokenHash: string }>): Promise<string[]>;
  /** Hands `json` to the node holding `dst`; false when no live node holds it. */
  forward(dst: string, json: string): Promise<boolean>;
  /** Notes that this node keeps messages for the absent `dst` (the node it registers on will ask for them). */
  notePending(dst: string): void;
  /** `id` just registered here: nodes keeping messages for it are told to forward them. */
  announce(id: string): void;
  /** Tells `node` that `id` moved away from it. */
  kick(node: string, id: string): void;
  /** Whether the shared store answers (always true in memory). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
