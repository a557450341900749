// Shared helpers for browser tests: the real PeerServer's address and small waiting utilities.
import { executeServerCommand } from '@web/test-runner-commands';
import { ConnectionService } from '../src/core/connection-service.js';
import type { ConnectionConfig } from '../src/core/config.js';

export interface SignalingInfo {
  host: string;
  port: number;
  path: string;
  key: string;
  url: string;
}

let info: Promise<SignalingInfo> | undefined;

export function signaling(): Promise<SignalingInfo> {
  info ??= executeServerCommand<SignalingInfo, undefined>('signaling-info') as Promise<SignalingInfo>;
  return info;
}

export async function signalingConfig(extra: Partial<ConnectionConfig> = {}): Promise<ConnectionConfig> {
  const s = await signaling();
  // Usage is not saved across tests (bandwidth-persist.test.ts turns it on for itself).
  return { host: s.host, port: s.port, path: s.path, key: s.key, iceServers: [], persistUsage: false, stablePeerId: false, ...extra };
}

const services: ConnectionService[] = [];

/** A service registered with the real PeerServer; destroyed by `destroyServices()`. */
export async function openService(extra: Partial<ConnectionConfig> = {}): Promise<ConnectionService> {
  const service = new ConnectionService(await signalingConfig(extra));
  services.push(service);
  await service.open();
  return service;
}

export function destroyServices(): void {
  for (const s of services.splice(0)) s.destroy();
}

/**
 * Open a service with `peerId`, retrying while signaling still holds that id for a service that just
 * went away (a crashed page coming back, or someone else taking the id).
 */
export async function claimPeerId(peerId: string, extra: Partial<ConnectionConfig> = {}): Promise<ConnectionService> {
  for (let i = 0; ; i++) {
    try {
      return await openService({ ...extra, peerId });
    } catch (error) {
      if (i >= 40) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Two services with an open link between them. */
export async function linkedPair(
  extraA: Partial<ConnectionConfig> = {},
  extraB: Partial<ConnectionConfig> = extraA,
): Promise<[ConnectionService, ConnectionService]> {
  const [a, b] = await Promise.all([openService(extraA), openService(extraB)]);
  await a.connect(b.id!);
  await waitFor(() => b.peers.includes(a.id!));
  return [a, b];
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function nextEvent<E extends Event>(target: EventTarget, type: string, timeoutMs = 10_000): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No "${type}" event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(type, (e) => (clearTimeout(timer), resolve(e as E)), { once: true });
  });
}

export function uniqueId(prefix = 'test'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Write a raw frame on the message data channel of a service's link, bypassing every check (a hostile peer). */
export function rawSend(service: ConnectionService, peer: string, data: string | ArrayBuffer): void {
  const link = (service as unknown as { links: Map<string, { wire?: { dc?: RTCDataChannel } }> }).links.get(peer);
  const dc = link?.wire?.dc;
  if (!dc) throw new Error(`no open data channel to ${peer}`);
  dc.send(data as string);
}
