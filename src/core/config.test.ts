// The signaling part of a connection config: one server from host/port/path/secure, or several from
// signalingUrls (a cluster, tried in order), and the refusals of bad ones.
import { expect } from '@open-wc/testing';
import { resolveConfig, splitSignalingUrls } from './config.js';
import { isConnectionError } from './errors.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(isConnectionError(e) && e.code).to.equal('invalid-config');
    return (e as Error).message;
  }
  throw new Error('expected invalid-config');
}

describe('config: signaling servers', () => {
  it('one server from host, port, path and secure', () => {
    const c = resolveConfig({ host: ' 127.0.0.1 ', port: 9000, path: 'peerjs' });
    expect(c.signaling).to.deep.equal([{ host: '127.0.0.1', port: 9000, path: '/peerjs', secure: false }]);
    expect([c.host, c.port, c.path, c.secure]).to.deep.equal(['127.0.0.1', 9000, '/peerjs', false]);
  });

  it('several from signalingUrls, in order; the first is the host the rest of the config names', () => {
    const c = resolveConfig({ signalingUrls: splitSignalingUrls('https://a.example/peerjs, ws://127.0.0.1:9001/peerjs\nwss://[::1]/x'), key: 'k' });
    expect(c.signaling).to.deep.equal([
      { host: 'a.example', port: 443, path: '/peerjs', secure: true },
      { host: '127.0.0.1', port: 9001, path: '/peerjs', secure: false },
      { host: '::1', port: 443, path: '/x', secure: true },
    ]);
    expect(c.host).to.equal('a.example');
    // signalingUrls win over host.
    expect(resolveConfig({ host: 'ignored.example', signalingUrls: ['http://b.example:8080/p'] }).signaling).to.deep.equal([
      { host: 'b.example', port: 8080, path: '/p', secure: false },
    ]);
  });

  it('refuses a bad URL in the list, a list that is not one, and no server at all', () => {
    expect(refusal(() => resolveConfig({ signalingUrls: ['http://a.example/peerjs', 'ftp://b.example'] }))).to.contain('Unsupported signaling-url protocol');
    expect(refusal(() => resolveConfig({ signalingUrls: 'http://a.example' as unknown as string[] }))).to.contain('signalingUrls must be an array');
    expect(refusal(() => resolveConfig({ signalingUrls: [] }))).to.contain('A signaling host is required');
    expect(refusal(() => resolveConfig({ signalingUrls: Array(17).fill('http://a.example/') }))).to.contain('at most 16');
  });
});
