import { expect } from '@open-wc/testing';
import type { ConnectionApi } from '../core/connection-api.js';
import { featureFor, featureUsers, peekFeature } from './registry.js';

/** The registry keys on the service object only: a bare EventTarget stands in for one here. */
const fakeService = () => new EventTarget() as unknown as ConnectionApi;

class Counter {
  disposed = 0;
  dispose(): void {
    this.disposed++;
  }
}

describe('feature registry (featureFor)', () => {
  it('shares one engine per service and key, counts leases, disposes once on the last release', () => {
    const service = fakeService();
    let created = 0;
    const make = () => (created++, new Counter());
    const a = featureFor(service, 'x.v1', make);
    const b = featureFor(service, 'x.v1', make);
    expect(created).to.equal(1);
    expect(a.feature).to.equal(b.feature);
    expect(featureUsers(service, 'x.v1')).to.equal(2);
    a.release();
    a.release(); // idempotent: a second release of the same lease counts nothing
    expect(featureUsers(service, 'x.v1')).to.equal(1);
    expect(a.feature.disposed).to.equal(0);
    b.release();
    expect(a.feature.disposed).to.equal(1);
    expect(peekFeature(service, 'x.v1')).to.equal(undefined);
    const c = featureFor(service, 'x.v1', make);
    expect(created).to.equal(2);
    expect(c.feature).not.to.equal(a.feature);
    c.release();
  });

  it('keeps engines apart per service and per key', () => {
    const s1 = fakeService();
    const s2 = fakeService();
    const a = featureFor(s1, 'x.v1', () => new Counter());
    const b = featureFor(s2, 'x.v1', () => new Counter());
    const c = featureFor(s1, 'y.v1', () => new Counter());
    expect(a.feature).not.to.equal(b.feature);
    expect(a.feature).not.to.equal(c.feature);
    a.release();
    expect(b.feature.disposed + c.feature.disposed).to.equal(0);
    b.release();
    c.release();
  });

  it('lives on a global symbol, so a second copy of the kit finds the same engines', () => {
    const service = fakeService();
    const lease = featureFor(service, 'x.v1', () => new Counter());
    const registry = (globalThis as Record<symbol, WeakMap<object, Map<string, { feature: unknown }>>>)[Symbol.for('darkswap.features.v1')];
    expect(registry.get(service)?.get('x.v1')?.feature).to.equal(lease.feature);
    lease.release();
  });
});
