// One node, no Redis: claims live in this process (what PeerServer does), nothing is forwarded.
import type { ClaimResult, Cluster } from './cluster.js';

export class MemoryCluster implements Cluster {
  readonly kind = 'memory';
  private readonly claims = new Map<string, string>();

  constructor(private readonly nodeId: string) {}

  async start(): Promise<void> {}

  async claim(id: string, tokenHash: string): Promise<ClaimResult> {
    const held = this.claims.get(id);
    if (held === undefined) {
      this.claims.set(id, tokenHash);
      return { result: 'new' };
    }
    return held === tokenHash ? { result: 'reclaimed', previousNode: this.nodeId } : { result: 'taken' };
  }

  async release(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.claims.delete(id);
  }

  async refresh(): Promise<string[]> {
    return [];
  }

  async forward(): Promise<boolean> {
    return false;
  }

  notePending(): void {}
  announce(): void {}
  kick(): void {}

  async healthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.claims.clear();
  }
}
