/**
 * Native tests skip where the addon is not built, except where EARSHOT_REQUIRE_NATIVE=1 (CI, which
 * installs the libraries): there a missing addon fails the run instead of skipping it silently.
 */
export const nativeRequired = process.env.EARSHOT_REQUIRE_NATIVE === '1';
