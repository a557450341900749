// The settings document's rules (pure): defaults, patches validated field by field with plain messages,
// migrations from the older format, foreign and newer documents refused.
import { expect } from '@open-wc/testing';
import { applyPatch, changedSections, DEFAULT_SETTINGS, migrate, patchFields, SettingsError, validateSettings, type Settings } from './settings.model.js';

function refused(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(SettingsError);
    return e as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('settings model', () => {
  it('defaults validate; a patch merges field by field and reports the sections it changed', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).to.deep.equal(DEFAULT_SETTINGS);
    const next = applyPatch(DEFAULT_SETTINGS, { connection: { icePreset: 'relay' }, general: { displayName: '  Ada  ' } });
    expect(next.connection).to.deep.equal({ signalingUrl: '', icePreset: 'relay', iceServers: [] });
    expect(next.general.displayName).to.equal('Ada');
    expect(changedSections(DEFAULT_SETTINGS, next)).to.deep.equal(['general', 'connection']);
    expect(patchFields({ bandwidth: { bulkBps: 1, dataSaver: 'on' } })).to.deep.equal(['bandwidth.bulkBps', 'bandwidth.dataSaver']);
  });

  it('bad values are refused with the field in plain words, and the document is unchanged', () => {
    const before = structuredClone(DEFAULT_SETTINGS);
    const url = refused(() => applyPatch(DEFAULT_SETTINGS, { connection: { iceServers: [{ urls: 'http://stun.example' }] } }));
    expect(url.code).to.equal('invalid');
    expect(url.field).to.equal('connection.iceServers.0.urls');
    expect(url.message).to.match(/^ICE servers #0 urls: is not a stun:, turn: or turns: URL/);
    const turn = refused(() => applyPatch(DEFAULT_SETTINGS, { connection: { iceServers: [{ urls: 'turn:t.example:3478' }] } }));
    expect(turn.message).to.contain('a TURN server needs a username and a credential');
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { bandwidth: { bulkBps: -5 } })).message).to.equal('Bulk data limit: cannot be negative.');
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { connection: { signalingUrl: 'ftp://x' } })).field).to.equal('connection.signalingUrl');
    // Several nodes of one cluster, separated by spaces or commas: each must be an http(s) URL.
    const two = 'https://a.example/peerjs https://b.example/peerjs';
    expect(applyPatch(DEFAULT_SETTINGS, { connection: { signalingUrl: two } }).connection.signalingUrl).to.equal(two);
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { connection: { signalingUrl: 'https://a.example/peerjs, ftp://b' } })).field).to.equal(
      'connection.signalingUrl',
    );
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { connection: { icePreset: 'fast' as never } })).message).to.contain(
      'must be one of lan, default, relay, data-saver',
    );
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { general: { displayName: 'x'.repeat(65) } })).message).to.equal(
      'Display name: is longer than 64 characters.',
    );
    expect(refused(() => applyPatch(DEFAULT_SETTINGS, { wallet: {} } as never)).message).to.contain('no settings section "wallet"');
    expect(DEFAULT_SETTINGS).to.deep.equal(before);
  });

  it('migrates format 0 (the connection attributes) to 1; refuses foreign and newer documents', () => {
    const old = { version: 0, iceServers: [{ urls: 'stun:stun.example:3478' }], icePreset: 'relay', signalingUrl: 'https://signal.example/peerjs' };
    const migrated: Settings = migrate(old);
    expect(migrated.version).to.equal(1);
    expect(migrated.connection).to.deep.equal({
      signalingUrl: 'https://signal.example/peerjs',
      icePreset: 'relay',
      iceServers: [{ urls: 'stun:stun.example:3478' }],
    });
    expect(migrated.bandwidth).to.deep.equal(DEFAULT_SETTINGS.bandwidth);
    expect(refused(() => migrate({ version: 9 })).code).to.equal('newer');
    expect(refused(() => migrate({ hello: 1 })).code).to.equal('not-ours');
    expect(refused(() => migrate('x')).code).to.equal('not-ours');
    // A migration chain runs step by step (a test chain: format 0 → 1 → 2).
    const chain = [(d: Record<string, unknown>) => ({ ...d, a: 1 }), (d: Record<string, unknown>) => ({ ...d, b: (d.a as number) + 1 })];
    expect(migrate({ version: 0 }, chain, 2)).to.deep.equal({ version: 2, a: 1, b: 2 });
    // A migrated document that does not validate is refused like any other.
    expect(refused(() => migrate({ version: 0, icePreset: 'nope' })).code).to.equal('invalid');
  });
});
