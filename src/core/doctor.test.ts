// The doctor's rules on given inputs (pure); the real-server cases are in turn.test.ts.
import { expect } from '@open-wc/testing';
import { findings } from './doctor.js';
import type { IceProbeResult } from './ice-probe.js';

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
});
