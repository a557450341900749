/**
 * ICE configuration: the host's STUN/TURN servers, validated, and the presets that turn them into an
 * RTCConfiguration. No server is ever a default: with none given, links use host candidates only (LAN).
 *
 * - `lan`: no servers (same machine or network).
 * - `default`: the host's STUN and TURN servers; direct paths first, relayed when needed.
 * - `relay`: TURN only, relayed candidates only (`iceTransportPolicy: 'relay'`): the peer never sees my IP.
 * - `data-saver`: like `default` (the bandwidth manager reads the preset to lower its budgets).
 */
import { DarkswapConnectionError } from './errors.js';

export const ICE_PRESETS = ['lan', 'default', 'relay', 'data-saver'] as const;
export type IcePreset = (typeof ICE_PRESETS)[number];

/** What the host gives: a preset and its servers. */
export interface IceSettings {
  readonly preset?: IcePreset;
  readonly servers?: readonly RTCIceServer[];
}

const ICE_URL = /^(stun|turns?):(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/i;

function invalid(message: string): never {
  throw new DarkswapConnectionError('invalid-config', message);
}

const urlsOf = (server: RTCIceServer): string[] => (typeof server.urls === 'string' ? [server.urls] : [...server.urls]);

/** Checks each server: `stun:`/`turn:`/`turns:` URLs with a host; TURN needs a username and a credential. */
export function validateIceServers(servers: unknown): RTCIceServer[] {
  if (!Array.isArray(servers)) invalid('iceServers must be an array of RTCIceServer objects.');
  return servers.map((server: RTCIceServer, i) => {
    const urls = server?.urls;
    if (!(typeof urls === 'string' || (Array.isArray(urls) && urls.length > 0 && urls.every((u) => typeof u === 'string')))) {
      invalid(`ICE server ${i} needs \`urls\` (a string or a non-empty array of strings).`);
    }
    for (const url of urlsOf(server)) {
      if (!ICE_URL.test(url)) invalid(`ICE server ${i}: "${url.slice(0, 80)}" is not a stun:, turn: or turns: URL with a host.`);
      if (/^turns?:/i.test(url) && (typeof server.username !== 'string' || typeof server.credential !== 'string')) {
        invalid(`ICE server ${i}: ${url} is a TURN server: it needs a username and a credential.`);
      }
    }
    return { ...server, urls: Array.isArray(urls) ? [...urls] : urls };
  });
}

/** The RTCConfiguration of a preset over the host's (validated) servers. */
export function iceConfiguration(settings: IceSettings): RTCConfiguration {
  const preset = settings.preset ?? 'default';
  if (!ICE_PRESETS.includes(preset)) invalid(`Unknown ICE preset "${String(preset)}": use ${ICE_PRESETS.join(', ')}.`);
  const servers = validateIceServers(settings.servers ?? []);
  if (preset === 'lan') return { iceServers: [], iceTransportPolicy: 'all' };
  if (preset === 'relay') {
    const turn = servers.filter((s) => urlsOf(s).some((u) => /^turns?:/i.test(u)));
    if (turn.length === 0) invalid('The relay preset needs at least one TURN server.');
    return { iceServers: turn, iceTransportPolicy: 'relay' };
  }
  return { iceServers: servers, iceTransportPolicy: 'all' };
}
