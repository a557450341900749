// A local regtest chain server (scripts/chain-server.mjs through the chain-server plugin) for a test: started by
// the test, stopped by it. Serves the in-memory ledger as Esplora (`esplora`), ord (`ord`) and alkanes JSON-RPC
// (`alkanes`), and canned answers for error paths (`script`).
import { executeServerCommand } from '@web/test-runner-commands';

export interface ScriptRule {
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  readonly prefix?: string;
  readonly bodyIncludes?: string;
  readonly status?: number;
  readonly body?: string;
  readonly type?: string;
  readonly delayMs?: number;
  /** Close the connection without an answer. */
  readonly destroy?: boolean;
  readonly times?: number;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly accept: string;
  readonly body: string;
}

export interface LedgerView {
  readonly outpoint: string;
  readonly value: string;
  readonly scriptPubKey: string;
  readonly address?: string;
  readonly spent: boolean;
  readonly confirmations: number;
  readonly runes: string[];
  readonly alkanes: string[];
}

export interface TestChain {
  readonly id: number;
  readonly url: string;
  readonly esplora: string;
  readonly ord: string;
  readonly alkanes: string;
  fund(
    address: string,
    value: number,
    assets?: { runes?: { id: string; amount: string }[]; alkanes?: { id: string; amount: string }[] },
  ): Promise<{ outpoint: string; address: string }>;
  mine(blocks?: number): Promise<void>;
  script(...rules: ScriptRule[]): Promise<void>;
  requests(clear?: boolean): Promise<SeenRequest[]>;
  fees(fees: Record<string, number>): Promise<void>;
  output(outpoint: string): Promise<LedgerView | null>;
  stop(): Promise<void>;
}

export async function startChain(options: { network?: string; autoMine?: boolean } = {}): Promise<TestChain> {
  const { id, url } = (await executeServerCommand<{ id: number; url: string }, typeof options>('chain-start', options))!;
  const cmd = <R>(name: string, payload: Record<string, unknown> = {}) =>
    executeServerCommand<R, Record<string, unknown>>(name, { id, ...payload }) as Promise<R>;
  return {
    id,
    url,
    esplora: `${url}/esplora`,
    ord: `${url}/ord`,
    alkanes: `${url}/alkanes`,
    fund: (address, value, assets = {}) => cmd('chain-fund', { address, value, ...assets }),
    mine: async (blocks = 1) => void (await cmd('chain-mine', { blocks })),
    script: async (...rules) => void (await cmd('chain-script', { rules })),
    requests: (clear = false) => cmd('chain-requests', { clear }),
    fees: async (fees) => void (await cmd('chain-fees', { fees })),
    output: async (outpoint) => (await cmd<{ value: LedgerView | null }>('chain-output', { outpoint })).value,
    stop: async () => void (await cmd('chain-stop')),
  };
}

/** A recorded response body (src/bitcoin/chain/fixtures), as text: big integers stay exact. */
export async function fixture(name: string): Promise<string> {
  const res = await fetch(`/src/bitcoin/chain/fixtures/${name}`);
  if (!res.ok) throw new Error(`no fixture ${name}`);
  return res.text();
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; source?: string; status?: number }> {
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`);
}
