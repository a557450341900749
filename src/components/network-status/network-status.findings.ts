/**
 * The connection doctor's findings in the page's language, made at render time. `findings()` (src/core/doctor.ts)
 * writes English; this translates each finding from its code (and the server, status or ICE error its English
 * message names) and keeps the English text for anything it does not recognize.
 */
import { msg, str } from '@lit/localize';
import type { Finding } from '../../core/doctor.js';

/** What is wrong, in the active language. */
export function findingMessage(f: Finding): string {
  const t = f.message;
  let m: RegExpExecArray | null;
  switch (f.code) {
    case 'signaling-key':
      if ((m = /^The signaling server at (.+) refused this client \(wrong key or token, or it is full\)\.$/.exec(t))) {
        const url = m[1];
        return msg(str`The signaling server at ${url} refused this client (wrong key or token, or it is full).`);
      }
      break;
    case 'signaling-unreachable':
      if ((m = /^The signaling server at (.+) is not reachable \(status (.+)\)\.$/.exec(t))) {
        const [, url, status] = m;
        return msg(str`The signaling server at ${url} is not reachable (status ${status}).`);
      }
      break;
    case 'no-ice-servers':
      if (t === 'No STUN or TURN server is configured: only peers on this machine or network can be reached.')
        return msg('No STUN or TURN server is configured: only peers on this machine or network can be reached.');
      break;
    case 'relay-only-without-turn':
      if (t === 'The relay preset allows relayed paths only, and no TURN server works: no peer can be reached.')
        return msg('The relay preset allows relayed paths only, and no TURN server works: no peer can be reached.');
      break;
    case 'turn-auth-failed':
      if ((m = /^The TURN server (.+) refused the credentials \(ICE error 401\)\.$/.exec(t))) {
        const url = m[1];
        return msg(str`The TURN server ${url} refused the credentials (ICE error 401).`);
      }
      break;
    case 'udp-blocked':
      if (t === 'Every server fails over UDP while TCP works: UDP seems blocked on this network. Links will be relayed over TCP (slower).')
        return msg('Every server fails over UDP while TCP works: UDP seems blocked on this network. Links will be relayed over TCP (slower).');
      break;
    case 'host-only':
      if (t === 'No STUN or TURN server answered: this browser offers its local addresses only, so only peers on this network can be reached.')
        return msg('No STUN or TURN server answered: this browser offers its local addresses only, so only peers on this network can be reached.');
      break;
    case 'all-good':
      if (t === 'Signaling is reachable and every ICE server answers as it should.')
        return msg('Signaling is reachable and every ICE server answers as it should.');
      break;
  }
  return t;
}

/** What to do about it, in the active language. */
export function findingFix(f: Finding): string {
  const fixes: Record<string, [string, () => string]> = {
    'signaling-key': [
      'Check the key attribute against the server’s key; ask the server’s operator if it is full.',
      () => msg('Check the key attribute against the server’s key; ask the server’s operator if it is full.'),
    ],
    'no-ice-servers': [
      'Add your STUN and TURN servers (ice-servers, or ice-credentials-url for ephemeral TURN credentials).',
      () => msg('Add your STUN and TURN servers (ice-servers, or ice-credentials-url for ephemeral TURN credentials).'),
    ],
    'relay-only-without-turn': [
      'Fix the TURN server (below), or use the default preset.',
      () => msg('Fix the TURN server (below), or use the default preset.'),
    ],
    'stun-unreachable': [
      'Check the server’s host and port, and that UDP to it is not blocked.',
      () => msg('Check the server’s host and port, and that UDP to it is not blocked.'),
    ],
    'turn-unreachable': [
      'Check the host and port, that the server runs, and that a firewall lets this transport through.',
      () => msg('Check the host and port, that the server runs, and that a firewall lets this transport through.'),
    ],
    'udp-blocked': [
      'Allow outgoing UDP, or keep a TURN server on TCP or TLS (turns:) configured.',
      () => msg('Allow outgoing UDP, or keep a TURN server on TCP or TLS (turns:) configured.'),
    ],
    'all-good': ['Nothing to do.', () => msg('Nothing to do.')],
  };
  const known = fixes[f.code];
  return known && known[0] === f.fix ? known[1]() : f.fix;
}
