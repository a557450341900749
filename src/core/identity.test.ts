import { expect } from '@open-wc/testing';
import { ConnectionService } from './connection-service.js';
import {
  createIdentity,
  dtlsFingerprint,
  linkProofDigest,
  loadIdentity,
  shortAuthString,
  taggedDigest,
  verifySignature,
} from './identity.js';
import type { ServiceErrorEvent } from './events.js';
import { isConnectionError } from './errors.js';
import { destroyServices, linkedPair, openService, signalingConfig, uniqueId, waitFor } from '../../test/harness.js';

describe('identity (keys, proofs, short authentication string)', () => {
  afterEach(destroyServices);

  it('signs and verifies BIP340 signatures; any change to key, message or signature fails', () => {
    const id = createIdentity();
    const digest = taggedDigest('test', 'hello');
    const sig = id.sign(digest);
    expect(id.publicKey).to.match(/^[0-9a-f]{64}$/);
    expect(verifySignature(id.publicKey, digest, sig)).to.equal(true);
    expect(verifySignature(createIdentity().publicKey, digest, sig)).to.equal(false);
    expect(verifySignature(id.publicKey, taggedDigest('test', 'hellO'), sig)).to.equal(false);
    const bad = sig.slice();
    bad[10] ^= 1;
    expect(verifySignature(id.publicKey, digest, bad)).to.equal(false);
    expect(verifySignature('zz', digest, sig)).to.equal(false);
  });

  it('reads the DTLS fingerprint from an SDP and binds the proof to the order of fingerprints', () => {
    const sdp = 'v=0\r\na=ice-ufrag:x\r\na=fingerprint:SHA-256 ab:cd:EF\r\na=setup:actpass\r\n';
    expect(dtlsFingerprint(sdp)).to.equal('sha-256 AB:CD:EF');
    expect(dtlsFingerprint('v=0\r\n')).to.equal(undefined);
    expect(linkProofDigest('a', 'b')).to.not.deep.equal(linkProofDigest('b', 'a'));
  });

  it('gives both ends the same six-digit short authentication string, and a different one for other keys', () => {
    const a = { publicKey: createIdentity().publicKey, fingerprint: 'sha-256 AA' };
    const b = { publicKey: createIdentity().publicKey, fingerprint: 'sha-256 BB' };
    const sas = shortAuthString(a, b);
    expect(sas).to.match(/^\d{3} \d{3}$/);
    expect(shortAuthString(b, a)).to.equal(sas);
    const m = { publicKey: createIdentity().publicKey, fingerprint: 'sha-256 BB' };
    expect(shortAuthString(a, m)).to.not.equal(sas);
  });

  it('keeps a persistent identity in IndexedDB: the same key on every load and for every service using it', async () => {
    const name = uniqueId('id');
    const first = await loadIdentity(name);
    const again = await loadIdentity(name);
    expect(again.publicKey).to.equal(first.publicKey);
    const s1 = await openService({ identity: name });
    const s2 = await openService({ identity: name });
    expect(s1.publicKey).to.equal(first.publicKey);
    expect(s2.publicKey).to.equal(first.publicKey);
    expect((await loadIdentity(uniqueId('other'))).publicKey).to.not.equal(first.publicKey);
  });

  it('authenticates both ends of a real link: keys, fingerprints and the short string agree', async () => {
    const [a, b] = await linkedPair({ identity: createIdentity() }, { identity: createIdentity() });
    const ab = a.peerIdentity(b.id!)!;
    const ba = b.peerIdentity(a.id!)!;
    expect(ab.publicKey).to.equal(b.publicKey);
    expect(ba.publicKey).to.equal(a.publicKey);
    expect(ab.sas).to.equal(ba.sas);
    expect(ab.localFingerprint).to.equal(ba.remoteFingerprint);
    expect(ab.remoteFingerprint).to.equal(ba.localFingerprint);
    expect(ab.localFingerprint).to.match(/^sha-256 [0-9A-F:]+$/);
    expect(ab.pinned).to.equal(false);
  });

  it('refuses a peer id whose key differs from the pinned one, and keeps pins across reloads', async function () {
    this.timeout(30_000);
    const name = uniqueId('pins');
    const bobId = uniqueId('bob');
    const a = await openService({ identity: name });
    const b = await openService({ peerId: bobId, identity: createIdentity() });
    await a.connect(bobId);
    await a.pin(bobId);
    expect(a.peerIdentity(bobId)!.pinned).to.equal(true);
    b.destroy();
    await waitFor(() => !a.linkStatus(bobId), 10_000, 'bob gone');
    // Someone else registers bob's id with another key.
    let impostor: ConnectionService | undefined;
    for (let i = 0; i < 20 && !impostor; i++) {
      try {
        impostor = await openService({ peerId: bobId, identity: createIdentity() });
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(impostor?.id).to.equal(bobId);
    const errors: string[] = [];
    a.addEventListener('error', (e: ServiceErrorEvent) => errors.push(e.error.code));
    let code = '';
    try {
      await a.connect(bobId);
    } catch (e) {
      code = isConnectionError(e) ? e.code : String(e);
    }
    expect(code).to.equal('identity-mismatch');
    expect(errors).to.include('identity-mismatch');
    expect(a.linkStatus(bobId)).to.equal(undefined);
    // The pin survives a reload: a new service with the same persistent identity knows it.
    const reloaded = new ConnectionService(await signalingConfig({ identity: name }));
    await reloaded.open();
    expect(reloaded.pinned[bobId]).to.equal(b.publicKey);
    reloaded.destroy();
  });
});
