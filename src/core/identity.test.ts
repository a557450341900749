import { expect } from '@open-wc/testing';
import { ConnectionService } from './connection-service.js';
import {
  bytesToHex,
  createIdentity,
  domainMessage,
  dtlsFingerprint,
  hexToBytes,
  importIdentity,
  linkProofMessage,
  shortAuthString,
  verifySignature,
} from './identity.js';
import { loadIdentity } from './identity-store.js';
import type { ServiceErrorEvent } from './events.js';
import { isConnectionError } from './errors.js';
import { destroyServices, linkedPair, openService, signalingConfig, uniqueId, waitFor } from '../../test/harness.js';

describe('identity (keys, proofs, short authentication string)', () => {
  afterEach(destroyServices);

  it('signs like RFC 8032 (Ed25519 test vectors 1 and 2) and verifies them', async () => {
    const vectors = [
      {
        secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
        pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
        msg: '',
        sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
      },
      {
        secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
        pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
        msg: '72',
        sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
      },
    ];
    for (const t of vectors) {
      const pkcs8 = hexToBytes(`302e020100300506032b657004220420${t.secret}`);
      const id = await importIdentity(pkcs8, t.pub);
      expect(id.publicKey).to.equal(t.pub);
      expect(bytesToHex(await id.sign(hexToBytes(t.msg)))).to.equal(t.sig);
      expect(await verifySignature(t.pub, hexToBytes(t.msg), hexToBytes(t.sig))).to.equal(true);
    }
  });

  it('signs and verifies; any change to key, message or signature fails', async () => {
    const id = await createIdentity();
    const message = domainMessage('test', 'hello');
    const sig = await id.sign(message);
    expect(id.publicKey).to.match(/^[0-9a-f]{64}$/);
    expect(await verifySignature(id.publicKey, message, sig)).to.equal(true);
    expect(await verifySignature((await createIdentity()).publicKey, message, sig)).to.equal(false);
    expect(await verifySignature(id.publicKey, domainMessage('test', 'hellO'), sig)).to.equal(false);
    expect(await verifySignature(id.publicKey, domainMessage('other', 'hello'), sig)).to.equal(false);
    const bad = sig.slice();
    bad[10] ^= 1;
    expect(await verifySignature(id.publicKey, message, bad)).to.equal(false);
    expect(await verifySignature('zz', message, sig)).to.equal(false);
    expect(() => domainMessage('t', 'a\nb')).to.throw(/newline/);
  });

  it('keeps the private key non-extractable', async () => {
    const name = uniqueId('sealed');
    await loadIdentity(name);
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('darkswap-identity');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const pair = await new Promise<CryptoKeyPair>((resolve, reject) => {
      const r = db.transaction('keys').objectStore('keys').get(name);
      r.onsuccess = () => resolve(r.result as CryptoKeyPair);
      r.onerror = () => reject(r.error);
    });
    db.close();
    expect(pair.privateKey.extractable).to.equal(false);
    let refused = false;
    try {
      await crypto.subtle.exportKey('pkcs8', pair.privateKey);
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });

  it('reads the DTLS fingerprint from an SDP and binds the proof to the order of fingerprints', () => {
    const sdp = 'v=0\r\na=ice-ufrag:x\r\na=fingerprint:SHA-256 ab:cd:EF\r\na=setup:actpass\r\n';
    expect(dtlsFingerprint(sdp)).to.equal('sha-256 AB:CD:EF');
    expect(dtlsFingerprint('v=0\r\n')).to.equal(undefined);
    expect(linkProofMessage('a', 'b')).to.not.deep.equal(linkProofMessage('b', 'a'));
  });

  it('gives both ends the same six-digit short authentication string, and a different one for other keys', async () => {
    const a = { publicKey: (await createIdentity()).publicKey, fingerprint: 'sha-256 AA' };
    const b = { publicKey: (await createIdentity()).publicKey, fingerprint: 'sha-256 BB' };
    const sas = await shortAuthString(a, b);
    expect(sas).to.match(/^\d{3} \d{3}$/);
    expect(await shortAuthString(b, a)).to.equal(sas);
    const m = { publicKey: (await createIdentity()).publicKey, fingerprint: 'sha-256 BB' };
    expect(await shortAuthString(a, m)).to.not.equal(sas);
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
    const [a, b] = await linkedPair({ identity: await createIdentity() }, { identity: await createIdentity() });
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
    const b = await openService({ peerId: bobId, identity: await createIdentity() });
    await a.connect(bobId);
    await a.pin(bobId);
    expect(a.peerIdentity(bobId)!.pinned).to.equal(true);
    b.destroy();
    await waitFor(() => !a.linkStatus(bobId), 10_000, 'bob gone');
    // Someone else registers bob's id with another key.
    let impostor: ConnectionService | undefined;
    for (let i = 0; i < 20 && !impostor; i++) {
      try {
        impostor = await openService({ peerId: bobId, identity: await createIdentity() });
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
