// <darkswap-peer-discovery> and the discovery feature (all-in-one: loadWidget('peer-discovery')).
export { DarkswapPeerDiscovery } from '../components/peer-discovery/peer-discovery.js';
export * from '../components/peer-discovery/peer-discovery.events.js';
export { DiscoveryEngine, DISCOVERY_FEATURE, DEFAULT_FEATURES, type RoomPeer, type DiscoveryOptions } from '../features/discovery/discovery.engine.js';
export {
  roomToken,
  beaconIds,
  checkAnnouncement,
  signAnnouncement,
  ANNOUNCE_REJECTS,
  type Announcement,
  type AnnounceReject,
} from '../features/discovery/discovery.protocol.js';
export { inviteLink, parseInvite, INVITE_PARAM, type Invite } from '../features/discovery/invite.js';
export type { Contact, LastPeer } from '../features/discovery/contacts.js';
