// Rendezvous beacons through the real PeerServer: a page holds a beacon id on a second socket and answers; another
// asks from its own signaling socket; a held beacon cannot be taken twice; a closed one can; silence times out.
import { expect } from '@open-wc/testing';
import { destroyServices, openService } from '../../test/harness.js';

describe('rendezvous beacons', () => {
  afterEach(destroyServices);

  it('answers askers, is held once, and frees its id when closed', async () => {
    const [a, b] = await Promise.all([openService(), openService()]);
    const id = `beacon-${crypto.randomUUID()}`;
    const asked: string[] = [];
    const beacon = await a.holdBeacon(id, (from) => {
      asked.push(from);
      return { members: [a.id] };
    });
    try {
      expect(await b.askBeacon(id)).to.deep.equal({ members: [a.id] });
      expect(asked, 'the beacon sees who asked').to.deep.equal([b.id]);
      let taken = '';
      await b
        .holdBeacon(id, () => 1)
        .then(
          (h) => h.close(),
          (e: Error) => (taken = e.message),
        );
      expect(taken).to.match(/taken/);
    } finally {
      beacon.close();
    }
    await beacon.closed;
    expect(await b.askBeacon(id, 500), 'nobody holds it now').to.equal(undefined);
    const again = await b.holdBeacon(id, () => 'mine now');
    try {
      expect(await a.askBeacon(id)).to.equal('mine now');
    } finally {
      again.close();
    }
  });
});
