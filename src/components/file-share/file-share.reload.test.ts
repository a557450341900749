// The receiving page is reloaded half way through: it resumes from the Origin Private File System.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { destroyServices, openService, signaling, uniqueId, waitFor } from '../../../test/harness.js';
import { clearStorage, makeFile, mountWidget, sha256OfBlob, transferOf, waitStatus } from './file-share.fixtures.test.js';
import { STORAGE_ROOT } from '../../features/file-share/file-share.storage.js';
import type { ConnectionService } from '../../core/connection-service.js';
import type { DarkswapFileShare } from './file-share.js';

declare global {
  interface Window {
    /** Set by reload-tab.html. */
    fileShareTab: { service: ConnectionService; widget: DarkswapFileShare };
  }
}

const tabOpen = (path: string) => executeServerCommand<number, { path: string }>('tab-open', { path }) as Promise<number>;
const tabEval = async <R>(id: number, fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<R> => {
  const result = await executeServerCommand<{ value: R }, { id: number; fn: string; args: unknown[] }>('tab-eval', { id, fn: fn.toString(), args });
  return result!.value;
};
const tabReload = (id: number) => executeServerCommand('tab-reload', { id });
const tabLogs = async (id: number) => (await executeServerCommand<string[], { id: number }>('tab-logs', { id })) ?? [];
const tabClose = (id: number) => executeServerCommand('tab-close', { id });

// These run inside the tab.
async function tabPeerId(): Promise<string> {
  for (let i = 0; i < 750; i++) {
    const id = window.fileShareTab?.service.id;
    if (id) return id;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('tab never registered');
}
async function tabAccept(transferId: string): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    const button = window.fileShareTab.widget.shadowRoot?.querySelector<HTMLButtonElement>(`[data-id="${transferId}"] [part~="accept-button"]`);
    if (button) {
      button.click();
      return true;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('offer never shown in the tab');
}
async function tabWaitBytes(transferId: string, atLeast: number): Promise<number> {
  for (let i = 0; i < 1500; i++) {
    const t = window.fileShareTab.widget.transfers.find((x) => x.id === transferId);
    if (t && t.bytesDone >= atLeast) return t.bytesDone;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('not enough progress in the tab');
}
async function tabRestored(transferId: string): Promise<{ restored: boolean; bytes: number; status: string }> {
  for (let i = 0; i < 750; i++) {
    const t = window.fileShareTab?.widget?.transfers.find((x) => x.id === transferId);
    if (t) return { restored: t.restored, bytes: t.bytesDone, status: t.status };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('transfer not restored after reload');
}
async function tabComplete(transferId: string): Promise<{ verified: string; sha: string; size: number; text: string }> {
  for (let i = 0; i < 1500; i++) {
    const t = window.fileShareTab.widget.transfers.find((x) => x.id === transferId);
    if (t?.status === 'complete') {
      const f = t.files[0];
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await f.file!.arrayBuffer()));
      const root = window.fileShareTab.widget.shadowRoot!;
      return {
        verified: f.verified!,
        sha: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
        size: f.file!.size,
        text: root.querySelector(`[data-id="${transferId}"] [part~="hash"]`)?.textContent ?? '',
      };
    }
    if (t?.status === 'failed') throw new Error(`failed: ${t.reason?.message}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('transfer did not complete after reload');
}

describe('<darkswap-file-share> across a reload of the receiving tab', () => {
  let tab: number | undefined;
  let store = '';
  afterEach(async () => {
    if (tab !== undefined) await tabClose(tab);
    tab = undefined;
    destroyServices();
    await clearStorage();
    const base = await (await navigator.storage.getDirectory()).getDirectoryHandle(STORAGE_ROOT, { create: true });
    await base.removeEntry(store, { recursive: true }).catch(() => undefined);
  });

  it('resumes from OPFS: the reloaded page re-offers the partial transfer and the sender continues', async function () {
    this.timeout(60_000);
    const s = await signaling();
    store = uniqueId('tab');
    const query = new URLSearchParams({ host: s.host, port: String(s.port), path: s.path, key: s.key, store });
    tab = await tabOpen(`/src/components/file-share/reload-tab.html?${query}`);
    const receiverId = await tabEval<string>(tab, tabPeerId);
    const a = await openService();
    const wa = await mountWidget(a);
    await a.connect(receiverId);
    const file = makeFile('reload.bin', 32 * 1024 * 1024, 101);
    const expected = await sha256OfBlob(file);
    const [id] = await wa.sendFiles([file], [receiverId]);
    await tabEval(tab, tabAccept, id);
    const before = await tabEval<number>(tab, tabWaitBytes, id, file.size / 2);
    expect(before).to.be.below(file.size);

    await tabReload(tab);
    // The page asked before it reloaded mid-transfer (its busy guard); the tab, like a user who means it, left.
    expect(await tabLogs(tab)).to.include('dialog: beforeunload');
    const restored = await tabEval<{ restored: boolean; bytes: number; status: string }>(tab, tabRestored, id);
    expect(restored.restored).to.equal(true);
    // Resumed from what was on disk (checkpoints every 16 chunks or second), not from 0.
    expect(restored.bytes).to.be.above(file.size / 4);
    const done = await tabEval<{ verified: string; sha: string; size: number; text: string }>(tab, tabComplete, id);
    expect(done).to.deep.equal({ verified: expected, sha: expected, size: file.size, text: `SHA-256 verified: ${expected}` });
    const sender = await waitStatus(wa, id, 'complete');
    expect(sender.peer).to.equal(receiverId); // the reloaded page reclaimed its peer id (stable ids, core/stable-id.ts)
    expect(sender.bytesSent - sender.bytesResent).to.equal(file.size);
    // Re-sent: what the reload lost since the last checkpoint plus one window, well under the file.
    expect(sender.bytesResent).to.be.below(file.size / 2);
    await waitFor(() => transferOf(wa, id).files[0].verified === expected, 3_000, 'sender sees verified hash');
  });
});
