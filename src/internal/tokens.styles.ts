import { css, unsafeCSS } from 'lit';

const light = `
  --darkswap-color-bg: #ffffff;
  --darkswap-color-surface: #f5f6f8;
  --darkswap-color-text: #15171c;
  --darkswap-color-text-muted: #555b66;
  --darkswap-color-border: #c9ced6;
  --darkswap-color-accent: #4338ca;
  --darkswap-color-accent-text: #ffffff;
  --darkswap-color-success: #116b35;
  --darkswap-color-warning: #8a5300;
  --darkswap-color-danger: #b3261e;
  --darkswap-color-focus: #2563eb;
`;
const dark = `
  --darkswap-color-bg: #111318;
  --darkswap-color-surface: #1b1e25;
  --darkswap-color-text: #eceef2;
  --darkswap-color-text-muted: #a6adba;
  --darkswap-color-border: #3a404c;
  --darkswap-color-accent: #a5b4fc;
  --darkswap-color-accent-text: #111318;
  --darkswap-color-success: #6ee7a1;
  --darkswap-color-warning: #fcd34d;
  --darkswap-color-danger: #fca5a5;
  --darkswap-color-focus: #93c5fd;
`;
const shared = `
  --darkswap-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  --darkswap-font-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
  --darkswap-font-size: 0.9375rem;
  --darkswap-font-size-small: 0.8125rem;
  --darkswap-radius: 0.5rem;
  --darkswap-space-1: 0.25rem;
  --darkswap-space-2: 0.5rem;
  --darkswap-space-3: 0.75rem;
  --darkswap-space-4: 1rem;
  --darkswap-focus-ring: 0 0 0 3px var(--darkswap-color-focus);
`;

/**
 * Global design tokens, adopted once into the document by the base element.
 * Zero specificity (`:where`) so any page rule overrides them. Light by default; dark with
 * `prefers-color-scheme: dark` unless `.darkswap-theme-light` is set, or anywhere under `.darkswap-theme-dark`.
 */
export const documentTokens = `
:where(:root) {${shared}${light}}
@media (prefers-color-scheme: dark) { :where(:root:not(.darkswap-theme-light)) {${dark}} }
:where(.darkswap-theme-dark) {${dark} color-scheme: dark; }
:where(.darkswap-theme-light) {${light} color-scheme: light; }
`;

/** Shared element styles every widget starts from; token fallbacks keep a widget usable without the sheet. */
export const baseStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--darkswap-font-family, system-ui, sans-serif);
    font-size: var(--darkswap-font-size, 0.9375rem);
    color: var(--darkswap-color-text, #15171c);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: none;
    box-shadow: var(--darkswap-focus-ring, 0 0 0 3px #2563eb);
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--darkswap-radius, 0.5rem);
    border: 1px solid var(--darkswap-color-accent, #4338ca);
    background: var(--darkswap-color-accent, #4338ca);
    color: var(--darkswap-color-accent-text, #fff);
    padding: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-3, 0.75rem);
    /* Touch targets of 44 px (phones); a dense desktop page may set --darkswap-target-size lower. */
    min-height: var(--darkswap-target-size, 2.75rem);
  }
  button.secondary {
    background: transparent;
    color: var(--darkswap-color-accent, #4338ca);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  input:is([type='checkbox'], [type='radio']) {
    min-height: 0;
  }
  input,
  select {
    font: inherit;
    color: inherit;
    background: var(--darkswap-color-bg, #fff);
    border: 1px solid var(--darkswap-color-border, #c9ced6);
    border-radius: var(--darkswap-radius, 0.5rem);
    padding: var(--darkswap-space-1, 0.25rem) var(--darkswap-space-2, 0.5rem);
    min-height: var(--darkswap-target-size, 2.75rem);
    /* A select sizes itself to its longest option (a peer id): never wider than its container. */
    max-inline-size: 100%;
    min-inline-size: 0;
  }
  /* A copy button beside a long value (internal/copy-button.ts). */
  .copy {
    display: inline-block;
    margin-inline-start: var(--darkswap-space-1, 0.25rem);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** The same tokens as a Lit CSSResult, for embedders who render their own shadow roots. */
export const tokens = css`
  ${unsafeCSS(documentTokens)}
`;

const ADOPTED = Symbol.for('darkswap.tokens.v1');

/** Adopt the token sheet into the document once per page (shared by every copy of the kit). */
export function adoptDocumentTokens(doc: Document = document): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[ADOPTED] || !doc || !('adoptedStyleSheets' in doc)) return;
  g[ADOPTED] = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(documentTokens);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

/**
 * The frame every widget shares: its `base` part as a padded, bordered grid and a header row, themable
 * through `--darkswap-<widget>-padding`, `-background`, `-border-color` and `-radius`.
 */
export function panelStyles(
  widget: 'demo' | 'file-share' | 'orderbook' | 'trade' | 'network-status' | 'settings' | 'av-call' | 'peer-discovery' | 'group-chat' | 'wallet',
) {
  const knob = (name: string) => unsafeCSS(`--darkswap-${widget}-${name}`);
  return css`
    [part='base'] {
      display: grid;
      /* One column that never grows past the container: long ids and names wrap instead of widening the panel. */
      grid-template-columns: minmax(0, 1fr);
      gap: var(--darkswap-space-3, 0.75rem);
      padding: var(${knob('padding')}, var(--darkswap-space-4, 1rem));
      background: var(${knob('background')}, var(--darkswap-color-surface, #f5f6f8));
      border: 1px solid var(${knob('border-color')}, var(--darkswap-color-border, #c9ced6));
      border-radius: var(${knob('radius')}, var(--darkswap-radius, 0.5rem));
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      justify-content: space-between;
      gap: var(--darkswap-space-2, 0.5rem);
    }
    h2 {
      margin: 0;
      font-size: 1.125rem;
    }
    [part~='status'] {
      font-size: var(--darkswap-font-size-small, 0.8125rem);
      color: var(--darkswap-color-text-muted, #555b66);
    }
    [part~='status'][data-status='open'] {
      color: var(--darkswap-color-success, #116b35);
    }
    [part~='status'][data-status='error'] {
      color: var(--darkswap-color-danger, #b3261e);
    }
  `;
}
