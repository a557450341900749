/**
 * Every element of the kit by name: `darkswap-<name>` is registered by the CDN entry `cdn/darkswap-<name>.js`
 * (the autoloader loads it from there). scripts/build.mjs checks this list against the entries it builds.
 */
export const ELEMENT_NAMES = [
  'connection',
  'demo',
  'network-status',
  'settings',
  'file-share',
  'orderbook',
  'trade',
  'av-call',
  'peer-discovery',
  'group-chat',
  'wallet',
] as const;
