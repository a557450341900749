// CDN-build stand-in for `webrtc-adapter`. PeerJS imports the adapter only to read
// `browserDetails` (browser name and version); importing the real one also installs shims for
// legacy browsers, which is about 12 KB min+gzip of the runtime. The CDN bundles target evergreen
// browsers, so they get the adapter's own detector and nothing else. dist/ keeps the real adapter.
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';

const browserDetails = detectBrowser(typeof window === 'undefined' ? undefined : window);
export default { browserDetails };
