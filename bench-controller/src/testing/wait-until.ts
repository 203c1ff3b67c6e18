/**
 * For tests that wait on another process or thread (a broker, the bridge's writer thread): polls
 * `cond` every 10 ms and fails, saying what it saw, once `timeoutMs` has passed.
 */
export async function waitUntil(cond: () => boolean, what: () => string = () => 'condition never held', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
