import { LitElement } from 'lit';
import { adoptDocumentTokens, baseStyles } from './tokens.styles.js';
import { VERSION } from './version.js';

/** Base class of every DarkSwap element: version for the guarded define, tokens, shared styles. */
export class DarkswapElement extends LitElement {
  static readonly version: string = VERSION;
  static override styles = [baseStyles];

  constructor() {
    super();
    adoptDocumentTokens();
  }
}
