/**
 * Preloaded (`--import`) into a CLI child the bench stops part-way: SIGINT becomes a normal exit,
 * so `--cpu-prof` still writes the profile (a process killed by a signal's default action does not).
 */
process.on('SIGINT', () => process.exit(130));
