/**
 * The connection doctor: plain-language findings, each with a fix, from what the service knows (signaling
 * status and its last error) and from probing every configured ICE server (`probeIceServer`). Findings are
 * computed by a pure function (`findings`) so each rule is testable on its own.
 */
import type { IceProbeResult } from './ice-probe.js';

export const FINDING_CODES = [
  'signaling-unreachable',
  'signaling-key',
  'no-ice-servers',
  'stun-unreachable',
  'turn-auth-failed',
  'turn-unreachable',
  'udp-blocked',
  'host-only',
  'symmetric-nat',
  'relay-only-without-turn',
  'all-good',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  readonly code: FindingCode;
  readonly severity: 'ok' | 'warning' | 'problem';
  /** What is wrong, in plain words. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** The server URL it is about, when it is about one. */
  readonly url?: string;
}

export interface DoctorInput {
  /** Signaling status and the code of its last error, if any. */
  readonly signaling: { readonly status: string; readonly errorCode?: string; readonly url: string };
  readonly preset: string;
  readonly probes: readonly IceProbeResult[];
  /** The NAT mapping seen by two or more STUN servers (probeNat), when it was measured. */
  readonly nat?: 'consistent' | 'varies' | 'unknown';
}

export function findings(input: DoctorInput): Finding[] {
  const out: Finding[] = [];
  const { signaling, probes } = input;
  if (signaling.errorCode === 'invalid-config' && signaling.status === 'error') {
    out.push({
      code: 'signaling-key',
      severity: 'problem',
      message: `The signaling server at ${signaling.url} refused this client (wrong key or token, or it is full).`,
      fix: 'Check the key attribute against the server’s key; ask the server’s operator if it is full.',
    });
  } else if (signaling.status !== 'open') {
    out.push({
      code: 'signaling-unreachable',
      severity: 'problem',
      message: `The signaling server at ${signaling.url} is not reachable (status ${signaling.status}).`,
      fix: 'Check the signaling URL, that the server runs, and that this page may connect to it (connect-src of a Content-Security-Policy).',
    });
  }
  if (probes.length === 0) {
    out.push({
      code: 'no-ice-servers',
      severity: 'warning',
      message: 'No STUN or TURN server is configured: only peers on this machine or network can be reached.',
      fix: 'Add your STUN and TURN servers (ice-servers, or ice-credentials-url for ephemeral TURN credentials).',
    });
  }
  const turn = probes.filter((p) => p.kind === 'turn');
  if (input.preset === 'relay' && !turn.some((p) => p.ok)) {
    out.push({
      code: 'relay-only-without-turn',
      severity: 'problem',
      message: 'The relay preset allows relayed paths only, and no TURN server works: no peer can be reached.',
      fix: 'Fix the TURN server (below), or use the default preset.',
    });
  }
  for (const p of probes) {
    if (p.ok) continue;
    if (p.kind === 'stun') {
      out.push({
        code: 'stun-unreachable',
        severity: 'warning',
        message: `The STUN server ${p.url} did not answer${p.errorCode ? ` (ICE error ${p.errorCode})` : ''}: peers behind other NATs may not find a direct path.`,
        fix: 'Check the server’s host and port, and that UDP to it is not blocked.',
        url: p.url,
      });
    } else if (p.problem === 'auth') {
      out.push({
        code: 'turn-auth-failed',
        severity: 'problem',
        message: `The TURN server ${p.url} refused the credentials (ICE error 401).`,
        fix: 'Check the username and credential; with ephemeral credentials, check the shared secret and the clock of the credential endpoint.',
        url: p.url,
      });
    } else {
      out.push({
        code: 'turn-unreachable',
        severity: 'problem',
        message: `The TURN server ${p.url} is not reachable${p.errorCode ? ` (ICE error ${p.errorCode})` : ' (no answer)'}.`,
        fix: 'Check the host and port, that the server runs, and that a firewall lets this transport through.',
        url: p.url,
      });
    }
  }
  const udp = probes.filter((p) => !/transport=tcp/i.test(p.url) && !/^turns:/i.test(p.url));
  const tcpOk = probes.some((p) => p.ok && (/transport=tcp/i.test(p.url) || /^turns:/i.test(p.url)));
  if (udp.length > 0 && udp.every((p) => !p.ok) && tcpOk) {
    out.push({
      code: 'udp-blocked',
      severity: 'warning',
      message: 'Every server fails over UDP while TCP works: UDP seems blocked on this network. Links will be relayed over TCP (slower).',
      fix: 'Allow outgoing UDP, or keep a TURN server on TCP or TLS (turns:) configured.',
    });
  }
  if (probes.length > 0 && probes.every((p) => !p.ok)) {
    out.push({
      code: 'host-only',
      severity: 'problem',
      message: 'No STUN or TURN server answered: this browser offers its local addresses only, so only peers on this network can be reached.',
      fix: 'Fix the servers above, or check that this network lets UDP (or TCP to a TURN server) out.',
    });
  }
  if (input.nat === 'varies') {
    out.push({
      code: 'symmetric-nat',
      severity: 'warning',
      message:
        'This network’s NAT shows a different public address or port to each server (a symmetric NAT): direct paths to peers behind other NATs will mostly fail.',
      fix: 'Keep a TURN server configured (relayed paths work through any NAT), or use another network (most home routers are not symmetric).',
    });
  }
  if (out.every((f) => f.severity === 'ok')) {
    out.push({ code: 'all-good', severity: 'ok', message: 'Signaling is reachable and every ICE server answers as it should.', fix: 'Nothing to do.' });
  }
  return out;
}
