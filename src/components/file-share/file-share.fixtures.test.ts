// Helpers shared by the file-share tests. Named *.test.ts only so the dist build (tsconfig.build.json) leaves it
// out: it imports the test harness; it registers no tests itself.
import { fixture, html } from '@open-wc/testing';
import type { ConnectionService } from '../../core/connection-service.js';
import { uniqueId, waitFor } from '../../../test/harness.js';
import './darkswap-file-share.js';
import type { DarkswapFileShare } from './file-share.js';
import type { TransferInfo } from '../../features/file-share/file-share.engine.js';
import { STORAGE_ROOT } from '../../features/file-share/file-share.storage.js';

/** Deterministic pseudo-random bytes (xorshift32), fast enough for 50 MiB. */
export function pseudoRandomBytes(size: number, seed = 1): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, size);
}

export function makeFile(name: string, size: number, seed = 1, type = 'application/octet-stream'): File {
  return new File([pseudoRandomBytes(size, seed) as Uint8Array<ArrayBuffer>], name, { type });
}

export async function sha256OfBlob(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

const keys: string[] = [];

/** A widget bound to `service`, with its own OPFS folder. */
export async function mountWidget(service: ConnectionService, attrs: { maxBytes?: number; maxFiles?: number } = {}): Promise<DarkswapFileShare> {
  const key = uniqueId('fs');
  keys.push(key);
  const el = await fixture<DarkswapFileShare>(
    html`<darkswap-file-share
      storage-key=${key}
      .connection=${service}
      max-bytes=${attrs.maxBytes ?? 8 * 1024 ** 3}
      max-files=${attrs.maxFiles ?? 100}
    ></darkswap-file-share>`,
  );
  await el.updateComplete;
  return el;
}

/** Delete the OPFS folders tests created (after their widgets are gone). */
export async function clearStorage(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const base = await root.getDirectoryHandle(STORAGE_ROOT, { create: true });
  for (const key of keys.splice(0)) await base.removeEntry(key, { recursive: true }).catch(() => undefined);
}

export const part = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector<T>(sel);
export const parts = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
export const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

export function transferOf(widget: DarkswapFileShare, id: string): TransferInfo {
  const t = widget.transfers.find((x) => x.id === id);
  if (!t) throw new Error(`no transfer ${id}`);
  return t;
}

/** Wait until `widget` shows an incoming offer with this id, then accept it through its button. */
export async function acceptByClick(widget: DarkswapFileShare, id: string, timeout = 10_000): Promise<void> {
  await waitFor(() => !!part(widget, `[part~="transfer"][data-id="${id}"] [part~="accept-button"]`), timeout, `offer ${id} shown`);
  part<HTMLButtonElement>(widget, `[part~="transfer"][data-id="${id}"] [part~="accept-button"]`)!.click();
}

export async function waitStatus(
  widget: DarkswapFileShare,
  id: string,
  status: TransferInfo['status'] | TransferInfo['status'][],
  timeout = 30_000,
): Promise<TransferInfo> {
  const want = Array.isArray(status) ? status : [status];
  await waitFor(
    () => want.includes(widget.transfers.find((x) => x.id === id)?.status as TransferInfo['status']),
    timeout,
    `transfer ${id} → ${want.join('|')}`,
  );
  return transferOf(widget, id);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
