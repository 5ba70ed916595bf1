/**
 * The identity of this build of the tools: set by scripts/bundle-cli.mjs (esbuild's `define`) to a
 * hash of the compiled code and the lockfile, so state one build derived (a stored verdict on a
 * base image) is never taken for another's. Code run unbundled (tsc's dist/, the tests' sources)
 * has none, and such state is then neither stored nor read.
 */
declare const __ROCK_BUILD_ID__: string | undefined;

export const BUILD_ID: string | undefined =
  typeof __ROCK_BUILD_ID__ === 'string' && __ROCK_BUILD_ID__ !== '' ? __ROCK_BUILD_ID__ : undefined;
