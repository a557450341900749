/**
 * The link layer: a link (link.ts, with its handshake, reliable delivery, outbound queue, bulk flow control and
 * control schemas) and the wire it runs on. Links exist only once a service is registered with signaling, so this
 * loads with PeerJS (signaling.ts; the same chunk in bundles) and a page holds none of it before a service opens.
 */
export { Link } from './link.js';
export { Wire } from './wire.js';
