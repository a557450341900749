// The file-share widget of a demo tab, driven through its own UI: functions that run inside the tab (test/tabs.ts
// `tabEval` sends them as source text), each self-contained. Shared by the two-tab and the Firefox tests.

/**
 * Offers a file of `size` random bytes (named `name`) to peer `to` once it is listed; resolves to its SHA-256
 * (hex), computed here with WebCrypto.
 */
export async function offerFile(to: string, size: number, name = 'between-tabs.bin'): Promise<string> {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  const root = document.querySelector('darkswap-file-share')!.shadowRoot!;
  for (let i = 0; i < 750 && ![...root.querySelectorAll('[part~="peer"] code')].some((c) => c.textContent === to); i++)
    await new Promise((r) => setTimeout(r, 20));
  const peer = [...root.querySelectorAll<HTMLLabelElement>('[part~="peer"]')].find((l) => l.querySelector('code')?.textContent === to);
  if (!peer) throw new Error(`peer ${to} is not listed in the file-share widget`);
  const input = root.querySelector<HTMLInputElement>('#file-input')!;
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  peer.querySelector('input')!.click();
  await new Promise((r) => setTimeout(r, 50));
  root.querySelector<HTMLButtonElement>('[part~="send-button"]')!.click();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
/**
 * Accepts the next offer and waits for the completed download (of the file named `name`, when given): its name,
 * shown hash, download link and size.
 */
export async function acceptAndWait(name?: string): Promise<{ name: string | null; hash: string | null; href: string | null; bytes: number }> {
  const root = document.querySelector('darkswap-file-share')!.shadowRoot!;
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 1500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
    if (!ok()) throw new Error(`${what} within 30 s`);
  };
  await until('no offer shown', () => !!root.querySelector('[part~="accept-button"]'));
  root.querySelector<HTMLButtonElement>('[part~="accept-button"]')!.click();
  const completed = () =>
    [...root.querySelectorAll('[part~="transfer"][data-status="complete"]')].find(
      (t) => t.querySelector('[part~="download"]') && (name === undefined || t.querySelector('[part~="file-name"]')?.textContent === name),
    );
  await until('no completed transfer', () => !!completed());
  const done = completed()!;
  const href = done.querySelector('[part~="download"]')!.getAttribute('href');
  const bytes = href ? (await (await fetch(href)).arrayBuffer()).byteLength : -1;
  return { name: done.querySelector('[part~="file-name"]')!.textContent, hash: done.querySelector('[part~="hash"]')!.textContent, href, bytes };
}
