import { createContext } from '@lit/context';
import type { ConnectionApi } from '../core/connection-api.js';

/**
 * The connection context key. Created from a global, versioned symbol so that two copies of the
 * kit on one page (two bundles, two versions of the same major API) find each other's provider.
 */
export const connectionContext = createContext<ConnectionApi | undefined>(Symbol.for('darkswap.connection.v1'));
