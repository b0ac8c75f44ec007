declare const __DEPLOYADVISOR_VERSION__: string | undefined;

/** Set at build time by tsup from package.json; "0.0.0-dev" when running from source. */
export const VERSION: string =
  typeof __DEPLOYADVISOR_VERSION__ === 'string' ? __DEPLOYADVISOR_VERSION__ : '0.0.0-dev';

declare const __DEPLOYADVISOR_BUILD__: string | undefined;

/**
 * The version and the digest of the sources it was built from ("dev" from source): the key of caches
 * that hold derived data, which another build may derive differently.
 */
export const BUILD: string = `${VERSION}+${typeof __DEPLOYADVISOR_BUILD__ === 'string' ? __DEPLOYADVISOR_BUILD__ : 'dev'}`;
