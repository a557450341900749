// Drives real browser tabs from a test through the tabs plugin (scripts/wtr-plugins.mjs). Functions passed to
// `tabEval` run inside the tab: they are sent as source text, so they must not use anything from this module.
import { executeServerCommand } from '@web/test-runner-commands';

export const tabOpen = (path: string) => executeServerCommand<number, { path: string }>('tab-open', { path }) as Promise<number>;

export async function tabEval<R>(id: number, fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<R> {
  const result = await executeServerCommand<{ value: R }, { id: number; fn: string; args: unknown[] }>('tab-eval', { id, fn: fn.toString(), args });
  return result!.value;
}

/** Calls `fn` in the tab every 100 ms until it returns something truthy (that value), or fails after `ms`. */
export async function tabWait<R>(id: number, what: string, ms: number, fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<R> {
  const end = performance.now() + ms;
  let last: unknown;
  for (;;) {
    last = await tabEval<unknown>(id, fn, ...args);
    if (last) return last as R;
    if (performance.now() > end) throw new Error(`tab ${id}: ${what} not within ${ms} ms (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const tabReload = (id: number) => executeServerCommand('tab-reload', { id });
export const tabClose = (id: number) => executeServerCommand('tab-close', { id });
export const tabLogs = async (id: number) => (await executeServerCommand<string[], { id: number }>('tab-logs', { id })) ?? [];
export const tabFreeze = (id: number, frozen: boolean) => executeServerCommand('tab-freeze', { id, frozen });
