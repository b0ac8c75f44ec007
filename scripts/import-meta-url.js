// Injected into the CommonJS bundle by tsup.config.ts, which defines `import.meta.url` as this value:
// the bundle's own file URL, with its path escaped (a `#` or `%` in the install path stays in the path).
/* global __filename */
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
