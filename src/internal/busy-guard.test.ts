// The busy guard: while set, closing the page asks first (a real beforeunload event is cancelled); when cleared or
// when its element leaves the page, it stops asking. The wake lock is best effort (headless Chromium may refuse it).
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { BusyGuard } from './busy-guard.js';

class BusyHost extends LitElement {
  readonly guard = new BusyGuard(this);
}
customElements.define('busy-guard-host', BusyHost);

function unloadAsks(): boolean {
  const e = new Event('beforeunload', { cancelable: true }) as BeforeUnloadEvent;
  window.dispatchEvent(e);
  return e.defaultPrevented;
}

describe('BusyGuard', () => {
  it('asks before the page closes only while busy, and lets go when its element leaves', async () => {
    const el = await fixture<BusyHost>(html`<busy-guard-host></busy-guard-host>`);
    expect(unloadAsks()).to.equal(false);
    el.guard.set(true);
    expect(el.guard.active).to.equal(true);
    expect(unloadAsks()).to.equal(true);
    el.guard.set(false);
    expect(unloadAsks()).to.equal(false);
    el.guard.set(true);
    el.remove();
    expect(el.guard.active).to.equal(false);
    expect(unloadAsks()).to.equal(false);
  });
});
