// Identity backups on real WebCrypto and IndexedDB: created with the identity (the key in use stays
// non-extractable), restored under another name with the passphrase; a weak or wrong passphrase, a damaged,
// foreign or newer file, and a key that is not the one named all fail plainly and change nothing.
import { expect } from '@open-wc/testing';
import { createIdentityWithBackup, identityBackup, IdentityBackupError, restoreIdentity, type IdentityBackup } from './identity-backup.js';
import { verifySignature } from './identity.js';
import { identityRecord, loadIdentity } from './identity-store.js';
import { uniqueId } from '../../test/harness.js';

const PASS = 'correct horse battery';
const fresh = () =>
  uniqueId('idb')
    .replace(/[^\w-]/g, '-')
    .slice(0, 60);

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(IdentityBackupError);
    return (e as IdentityBackupError).code;
  }
  throw new Error('expected an IdentityBackupError');
}

describe('identity backups', function () {
  this.timeout(60_000);

  it('creates an identity with its encrypted backup; the key in use stays non-extractable; restores elsewhere', async () => {
    expect(await code(createIdentityWithBackup(fresh(), 'short'))).to.equal('weak-passphrase');
    const name = fresh();
    const { identity, backup } = await createIdentityWithBackup(name, PASS);
    expect(backup.publicKey).to.equal(identity.publicKey);
    expect((await loadIdentity(name)).publicKey).to.equal(identity.publicKey);
    const pair = await identityRecord<CryptoKeyPair>(name);
    expect(pair!.privateKey.extractable, 'the key in use cannot be read out').to.equal(false);
    expect(await identityBackup(name)).to.deep.equal(backup);
    // Restore under another name from the file (as downloaded: JSON).
    const other = fresh();
    const file = JSON.parse(JSON.stringify(backup));
    const restored = await restoreIdentity(other, file, PASS);
    expect(restored.publicKey).to.equal(identity.publicKey);
    const loaded = await loadIdentity(other);
    expect(loaded.publicKey).to.equal(identity.publicKey);
    const message = new TextEncoder().encode('signed by the restored key');
    expect(await verifySignature(identity.publicKey, message, await loaded.sign(message))).to.equal(true);
  });

  it('a wrong passphrase, a damaged, foreign or newer file, or a key that is not the named one change nothing', async () => {
    const { backup } = await createIdentityWithBackup(fresh(), PASS);
    const target = fresh();
    const before = (await loadIdentity(target)).publicKey;
    expect(await code(restoreIdentity(target, backup, 'not the passphrase'))).to.equal('wrong-passphrase');
    const flipped: IdentityBackup = { ...backup, data: backup.data.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
    expect(await code(restoreIdentity(target, flipped, PASS))).to.equal('wrong-passphrase');
    const { backup: another } = await createIdentityWithBackup(fresh(), PASS);
    expect(await code(restoreIdentity(target, { ...backup, publicKey: another.publicKey }, PASS))).to.equal('corrupt');
    expect(await code(restoreIdentity(target, { ...backup, kdf: { ...backup.kdf, iterations: 5 } }, PASS))).to.equal('corrupt');
    expect(await code(restoreIdentity(target, { kind: 'x' }, PASS))).to.equal('not-ours');
    expect(await code(restoreIdentity(target, { ...backup, format: 2 }, PASS))).to.equal('newer');
    expect((await loadIdentity(target)).publicKey, 'unchanged').to.equal(before);
    expect(await identityBackup(target)).to.equal(undefined);
  });
});
