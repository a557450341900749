/**
 * "controls bc1q…xyz": the wallet address a peer proved with a BIP-322 identity binding (features/binding),
 * shortened on screen with the full address in its title and for screen readers, and a copy button.
 */
import { msg } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';

/** `bc1qcr8t…306fyu`: the start (with the prefix) and the end, which is what people compare. */
export function truncateAddress(address: string, head = 8, tail = 6): string {
  return address.length <= head + tail + 1 ? address : `${address.slice(0, head)}…${address.slice(-tail)}`;
}

/** The peer's proved address (part `bound-address`), or nothing; `copy` renders the copy button. */
export function boundAddress(
  binding: { readonly address: string; readonly network: string } | undefined,
  copy: (value: string, what: string) => TemplateResult,
): TemplateResult | typeof nothing {
  if (!binding) return nothing;
  const address = html`<code title=${binding.address}
    ><span aria-hidden="true">${truncateAddress(binding.address)}</span><span class="visually-hidden">${binding.address}</span></code
  >`;
  return html`<span part="bound-address" data-network=${binding.network}
    >${msg(html`controls ${address}`)} ${copy(binding.address, msg('wallet address'))}</span
  >`;
}
