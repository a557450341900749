/**
 * Call history, kept in IndexedDB (idb-keyval) per identity: who, when, how long, and how it ended. The newest
 * `HISTORY_CAP` entries are kept. Entries read back are validated: a damaged store shows fewer entries, never
 * breaks the widget.
 */
import { createStore, get, update, type UseStore } from 'idb-keyval';
import * as v from 'valibot';
import { END_REASONS, type Call, durationOf, outcomeOf } from './call.model.js';

export const HISTORY_CAP = 100;

const OUTCOMES = ['completed', ...END_REASONS.filter((r) => r !== 'hangup')] as const;

export const HistoryEntrySchema = v.strictObject({
  id: v.string(),
  peers: v.array(v.string()),
  direction: v.picklist(['outgoing', 'incoming']),
  video: v.boolean(),
  /** Epoch ms when the call was placed or rang. */
  at: v.number(),
  durationMs: v.number(),
  outcome: v.picklist(OUTCOMES),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;

/** The history entry of a finished call. Pure. */
export function historyEntry(call: Call): HistoryEntry {
  return {
    id: call.id,
    peers: call.legs.map((l) => l.peer),
    direction: call.direction,
    video: call.video,
    at: call.createdAt,
    durationMs: durationOf(call, call.endedAt ?? call.createdAt),
    outcome: outcomeOf(call),
  };
}

let db: UseStore | undefined;
const database = () => (db ??= createStore('darkswap-calls', 'history'));

/** The stored history of `owner` (an identity name or key), newest first. */
export async function loadHistory(owner: string): Promise<HistoryEntry[]> {
  const raw: unknown = await get(owner, database());
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((e) => {
    const parsed = v.safeParse(HistoryEntrySchema, e);
    return parsed.success ? [parsed.output] : [];
  });
}

/** Adds an entry (replacing one with the same call id) and keeps the newest `HISTORY_CAP`; resolves to the list. */
export async function addHistory(owner: string, entry: HistoryEntry): Promise<HistoryEntry[]> {
  let result: HistoryEntry[] = [];
  await update<unknown>(
    owner,
    (old) => {
      const list = (Array.isArray(old) ? old : []).filter((e) => v.is(HistoryEntrySchema, e) && e.id !== entry.id) as HistoryEntry[];
      result = [entry, ...list].sort((a, b) => b.at - a.at).slice(0, HISTORY_CAP);
      return result;
    },
    database(),
  );
  return result;
}

/** Forgets the history of `owner`. */
export async function clearHistory(owner: string): Promise<void> {
  await update(owner, () => [], database());
}
