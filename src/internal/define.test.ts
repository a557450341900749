import { expect } from '@open-wc/testing';
import { define } from './define.js';
import { VERSION } from './version.js';

function spyWarn(): { calls: unknown[][]; restore(): void } {
  const original = console.warn;
  const calls: unknown[][] = [];
  console.warn = (...args: unknown[]) => calls.push(args);
  return { calls, restore: () => (console.warn = original) };
}

describe('define()', () => {
  it('registers once, and a second copy of the same version is skipped silently', () => {
    const tag = `x-define-same-${crypto.randomUUID().slice(0, 8)}`;
    class A extends HTMLElement {
      static version = VERSION;
    }
    class B extends HTMLElement {
      static version = VERSION;
    }
    const warn = spyWarn();
    try {
      define(tag, A);
      define(tag, B);
      define(tag, A);
    } finally {
      warn.restore();
    }
    expect(customElements.get(tag)).to.equal(A);
    expect(warn.calls).to.have.length(0);
  });

  it('warns exactly once, naming both versions, when another version is already registered', () => {
    const tag = `x-define-other-${crypto.randomUUID().slice(0, 8)}`;
    class Old extends HTMLElement {
      static version = '0.0.1';
    }
    class New extends HTMLElement {
      static version = '9.9.9';
    }
    const warn = spyWarn();
    try {
      define(tag, Old);
      define(tag, New);
      define(tag, New);
    } finally {
      warn.restore();
    }
    expect(customElements.get(tag)).to.equal(Old);
    expect(warn.calls).to.have.length(1);
    expect(String(warn.calls[0][0])).to.contain('0.0.1').and.contain('9.9.9').and.contain(tag);
  });

  it('never throws, even for a constructor the registry refuses', () => {
    const warn = spyWarn();
    try {
      expect(() => define('not-valid-Upper', class extends HTMLElement {})).not.to.throw();
      // The registry refuses one constructor under two tags.
      class Reused extends HTMLElement {}
      define(`x-reuse-a-${crypto.randomUUID().slice(0, 8)}`, Reused);
      expect(() => define(`x-reuse-b-${crypto.randomUUID().slice(0, 8)}`, Reused)).not.to.throw();
    } finally {
      warn.restore();
    }
    expect(warn.calls.length).to.equal(2);
  });

  it('warns once per page for another version, not once per element', () => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const tags = ['one', 'two', 'three'].map((t) => `x-define-${t}-${suffix}`);
    const older = tags.map(() => Object.assign(class extends HTMLElement {}, { version: '0.0.2-old' }));
    const newer = tags.map(() => Object.assign(class extends HTMLElement {}, { version: '9.9.8-new' }));
    const warn = spyWarn();
    try {
      tags.forEach((tag, i) => define(tag, older[i]!));
      tags.forEach((tag, i) => define(tag, newer[i]!));
    } finally {
      warn.restore();
    }
    tags.forEach((tag, i) => expect(customElements.get(tag)).to.equal(older[i]));
    expect(warn.calls).to.have.length(1);
    expect(String(warn.calls[0]![0])).to.contain('DarkSwap 0.0.2-old already defined its elements').and.contain('(9.9.8-new)');
  });
});
