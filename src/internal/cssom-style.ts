/**
 * `style=${cssomStyle({ 'inline-size': '40%' })}`: sets inline style properties through CSSOM (`element.style`),
 * on the first render too. Lit's `styleMap` writes its first render as a `style` attribute, which a
 * Content-Security-Policy without `'unsafe-inline'` in `style-src` blocks; CSSOM properties it allows.
 * Properties that disappear from the map are removed.
 */
import { noChange, nothing } from 'lit';
import { Directive, directive, PartType, type AttributePart, type PartInfo } from 'lit/directive.js';

class CssomStyleDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style') throw new Error('cssomStyle() goes in a style attribute: style=${cssomStyle({…})}');
  }

  render(_props: Readonly<Record<string, string | undefined>>): typeof nothing {
    return nothing;
  }

  override update(part: AttributePart, [props]: [Readonly<Record<string, string | undefined>>]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) if (props[name] === undefined) style.removeProperty(name);
    this.previous = new Set();
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined) continue;
      style.setProperty(name, value);
      this.previous.add(name);
    }
    return noChange;
  }
}

export const cssomStyle = directive(CssomStyleDirective);
