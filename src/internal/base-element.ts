import { LitElement } from 'lit';
import { adoptDocumentTokens, baseStyles } from './tokens.styles.js';
import { followPageLanguage } from './localize.js';
import { VERSION } from './version.js';

/**
 * Base class of every DarkSwap element: version for the guarded define, tokens, shared styles, and the page's
 * language followed (each element class adds `@localized()` to re-render when it changes).
 */
export class DarkswapElement extends LitElement {
  static readonly version: string = VERSION;
  static override styles = [baseStyles];

  constructor() {
    super();
    adoptDocumentTokens();
    followPageLanguage();
  }
}
