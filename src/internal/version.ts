/** The kit's version; `npm run build` fails if it differs from package.json. */
export const VERSION = '0.1.0';
