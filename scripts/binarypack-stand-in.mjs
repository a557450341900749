// CDN-build stand-in for `peerjs-js-binarypack`. PeerJS imports it for its default `binary` serialization;
// DarkSwap only ever opens `raw` connections and closes any other kind as soon as it is offered (before its
// data channel opens), so BinaryPack's codec (about 3 KB min+gzip of the runtime) is never used. If something
// did call it, it fails loudly instead of mis-decoding. dist/ keeps the real package.
const unsupported = () => {
  throw new Error('DarkSwap links use raw serialization; PeerJS binary serialization is not in this build.');
};
export const pack = unsupported;
export const unpack = unsupported;
export class Packer {
  constructor() {
    unsupported();
  }
}
