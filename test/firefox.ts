// Firefox tabs for the interop tests (scripts/firefox-plugin.mjs through the runner's `firefox-*` commands). A
// Firefox tab's id works with test/tabs.ts (`tabEval`, `tabWait`, `tabLogs`, `tabReload`, `tabClose`) like a
// Chromium tab's. Outside CI a missing Firefox skips the test with one line; in CI it fails.
import { executeServerCommand } from '@web/test-runner-commands';

/** Opens `path` in a Firefox tab (launching Firefox for this test file), or skips the calling test (`ctx.skip()`). */
export async function firefoxTabOpen(ctx: Mocha.Context, path: string): Promise<number> {
  type Opened = { id: number; version: string } | { missing: string } | { pending: number };
  let r = await executeServerCommand<Opened, { path: string }>('firefox-open', { path });
  // Launching Firefox can take longer than one command may: ask again until the tab is open.
  for (let i = 0; i < 12 && r && 'pending' in r; i++) r = await executeServerCommand<Opened, { token: number }>('firefox-wait', { token: r.pending });
  if (r && 'pending' in r) throw new Error(`Firefox did not open ${path} within 2 minutes`);
  if (!r || 'missing' in r) {
    const reason = r && 'missing' in r ? r.missing : 'the runner has no firefox command';
    if (await executeServerCommand<boolean, undefined>('firefox-ci')) throw new Error(`CI: ${reason}`);
    console.warn(`skipped: ${reason}`);
    ctx.skip();
  }
  return (r as { id: number }).id;
}

/** Closes this test file's Firefox (its process is killed by PID). */
export async function stopFirefox(): Promise<void> {
  await executeServerCommand('firefox-stop');
}
