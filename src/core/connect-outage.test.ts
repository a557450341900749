/**
 * A signaling restart while a first connection is being set up: the dial is retried as soon as the
 * service is registered again, instead of waiting out the whole connect deadline.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { destroyServices, openService } from '../../test/harness.js';

describe('connect() across a signaling restart (real WebRTC, real PeerServer)', () => {
  afterEach(async () => {
    destroyServices();
    await executeServerCommand('signaling-start');
  });

  for (const when of ['just after the dial', 'before the dial'] as const) {
    it(`a first connect survives a signaling restart ${when}: it is dialed again once signaling is back`, async function () {
      this.timeout(30_000);
      const a = await openService();
      const b = await openService();
      let connecting: Promise<void>;
      if (when === 'before the dial') {
        await executeServerCommand('signaling-stop');
        connecting = a.connect(b.id!);
      } else {
        connecting = a.connect(b.id!);
        await executeServerCommand('signaling-stop');
      }
      await new Promise((r) => setTimeout(r, 500));
      await executeServerCommand('signaling-start');
      // Without the retry, connect() rejects at its 15 s deadline (connect-timeout).
      await connecting;
      expect(a.linkStatus(b.id!)).to.equal('open');
    });
  }
});
