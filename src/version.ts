declare const __DEPLOYADVISOR_VERSION__: string | undefined;

/** Set at build time by tsup from package.json; "0.0.0-dev" when running from source. */
export const VERSION: string =
  typeof __DEPLOYADVISOR_VERSION__ === 'string' ? __DEPLOYADVISOR_VERSION__ : '0.0.0-dev';
