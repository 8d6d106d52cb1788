/**
 * Test-only crash points. With `EARSHOT_TEST_KILL_AT=<name>` set in a process started by vitest
 * (`VITEST` is set), the process SIGKILLs itself when it reaches `killPoint(name)`: the kill-attack
 * tests use it to hit each stage boundary deterministically. Ignored outside tests.
 */
export function killPoint(name: string): void {
  if (process.env['EARSHOT_TEST_KILL_AT'] === name && process.env['VITEST']) process.kill(process.pid, 'SIGKILL');
}
