// Stable peer ids (real PeerServer): the same identity registers the same id after a restart, reclaims an id
// whose old socket the server still holds (same token), gets a new id when someone else holds it with another
// token, and a second service with the same identity in the page gets its own id.
import { expect } from '@open-wc/testing';
import { destroyServices, openService, signaling } from '../../test/harness.js';
import { setIdentityRecord, identityRecord } from './identity-store.js';

const stable = (name: string) => ({ identity: name, stablePeerId: true });

/** A bare PeerJS-protocol socket holding `id` with `token` (an old page's registration the server still keeps). */
async function holdId(id: string, token: string): Promise<WebSocket> {
  const s = await signaling();
  const ws = new WebSocket(`ws://${s.host}:${s.port}${s.path.replace(/\/?$/, '/')}peerjs?key=${s.key}&id=${id}&token=${token}`);
  // OPEN when the server had already dropped the previous socket; nothing at all when it still held it with this
  // token (a stock PeerServer takes such a reclaim silently, as stable-id.ts knows). Either way it now holds `id`
  // on this socket; anything else (ID-TAKEN, ERROR) fails.
  const first = await new Promise<string>((resolve, reject) => {
    let quiet: ReturnType<typeof setTimeout> | undefined;
    ws.onopen = () => (quiet = setTimeout(() => resolve('OPEN (reclaimed silently)'), 1_500));
    ws.onmessage = (e) => {
      clearTimeout(quiet);
      resolve(JSON.parse(String(e.data)).type as string);
    };
    ws.onerror = () => reject(new Error('socket error'));
  });
  expect(first, 'the server gave the id to the old socket').to.match(/^OPEN/);
  return ws;
}

describe('stable peer id', () => {
  afterEach(destroyServices);

  it('keeps the id across a restart; a second service with the same identity gets its own', async () => {
    const name = `stable-${Date.now()}`;
    const one = await openService(stable(name));
    const other = await openService(stable(name));
    expect(other.id, 'the id is in use: a fresh one').to.not.equal(one.id);
    const id = one.id;
    one.destroy();
    other.destroy();
    const again = await openService(stable(name));
    expect(again.id).to.equal(id);
  });

  it('reclaims its id while the server still holds the old socket, and takes a new id when another token holds it', async () => {
    const name = `stable-reclaim-${Date.now()}`;
    const first = await openService(stable(name));
    const { peerId, token } = (await identityRecord<{ peerId: string; token: string }>(`peer-id:${name}`))!;
    expect(peerId).to.equal(first.id);
    first.destroy();
    const old = await holdId(peerId, token);
    try {
      const reloaded = await openService(stable(name));
      expect(reloaded.id, 'reclaimed, not "ID is taken"').to.equal(peerId);
      expect(reloaded.status).to.equal('open');
      reloaded.destroy();
    } finally {
      old.close();
    }
    // Someone else holds the id with another token: a new id, stored for next time.
    await new Promise((r) => setTimeout(r, 100));
    const squatter = await holdId(peerId, 'f'.repeat(32));
    try {
      await setIdentityRecord(`peer-id:${name}`, { peerId, token });
      const next = await openService(stable(name));
      expect(next.status).to.equal('open');
      expect(next.id).to.not.equal(peerId);
      expect((await identityRecord<{ peerId: string }>(`peer-id:${name}`))!.peerId).to.equal(next.id);
    } finally {
      squatter.close();
    }
  });
});
