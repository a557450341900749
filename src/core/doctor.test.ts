// The doctor's rules on given inputs (pure); the real-server cases are in turn.test.ts.
import { expect } from '@open-wc/testing';
import { findings } from './doctor.js';
import { natMapping, type IceProbeResult } from './ice-probe.js';

const signaling = { status: 'open', url: 'http://127.0.0.1:9000/peerjs' };
const probe = (url: string, ok: boolean, extra: Partial<IceProbeResult> = {}): IceProbeResult => ({
  url,
  kind: url.startsWith('stun') ? 'stun' : 'turn',
  needed: url.startsWith('stun') ? 'srflx' : 'relay',
  ok,
  ...extra,
});

describe('connection doctor rules', () => {
  it('signaling unreachable, or refusing the key', () => {
    expect(
      findings({ signaling: { ...signaling, status: 'reconnecting' }, preset: 'default', probes: [probe('stun:a.example:3478', true)] }).map((f) => f.code),
    ).to.deep.equal(['signaling-unreachable']);
    const key = findings({
      signaling: { ...signaling, status: 'error', errorCode: 'invalid-config' },
      preset: 'default',
      probes: [probe('stun:a.example:3478', true)],
    });
    expect(key.map((f) => f.code)).to.deep.equal(['signaling-key']);
    expect(key[0]!.fix).to.contain('key');
  });

  it('UDP blocked: every UDP server fails while TCP works; STUN unreachable is a warning', () => {
    const f = findings({
      signaling,
      preset: 'default',
      probes: [
        probe('stun:a.example:3478', false, { problem: 'timeout' }),
        probe('turn:t.example:3478?transport=udp', false, { problem: 'unreachable', errorCode: 701 }),
        probe('turn:t.example:3478?transport=tcp', true),
      ],
    });
    expect(f.map((x) => x.code)).to.deep.equal(['stun-unreachable', 'turn-unreachable', 'udp-blocked']);
    expect(f.find((x) => x.code === 'stun-unreachable')!.severity).to.equal('warning');
  });

  it('host candidates only: every configured server failed', () => {
    const f = findings({
      signaling,
      preset: 'default',
      probes: [probe('stun:a.example:3478', false, { problem: 'timeout' }), probe('turn:t.example:3478', false, { problem: 'auth', errorCode: 401 })],
    });
    expect(f.map((x) => x.code)).to.deep.equal(['stun-unreachable', 'turn-auth-failed', 'host-only']);
    expect(f.at(-1)!.message).to.contain('only peers on this network');
  });

  it('symmetric NAT: one local socket seen at different public ports by two STUN servers', () => {
    const base = '192.168.1.2:50000';
    expect(natMapping([{ address: '203.0.113.7', port: 61000, base }], 2)).to.equal('consistent');
    expect(
      natMapping(
        [
          { address: '203.0.113.7', port: 61000, base },
          { address: '203.0.113.7', port: 61004, base },
        ],
        2,
      ),
    ).to.equal('varies');
    // Two sockets (IPv4 and IPv6), each mapped once: consistent. Hidden related addresses group by public address.
    expect(
      natMapping(
        [
          { address: '203.0.113.7', port: 61000, base },
          { address: '2001:db8::7', port: 50000, base: '[fd00::2]:50000' },
        ],
        2,
      ),
    ).to.equal('consistent');
    expect(
      natMapping(
        [
          { address: '203.0.113.7', port: 61000 },
          { address: '203.0.113.7', port: 61004 },
        ],
        2,
      ),
    ).to.equal('varies');
    // One server cannot tell.
    expect(natMapping([{ address: '203.0.113.7', port: 61000, base }], 1)).to.equal('unknown');
    const stun = [probe('stun:a.example:3478', true), probe('stun:b.example:3478', true)];
    const f = findings({ signaling, preset: 'default', probes: stun, nat: 'varies' });
    expect(f.map((x) => x.code)).to.deep.equal(['symmetric-nat']);
    expect(f[0]!.fix).to.contain('TURN');
    expect(findings({ signaling, preset: 'default', probes: stun, nat: 'consistent' }).map((x) => x.code)).to.deep.equal(['all-good']);
  });
});
