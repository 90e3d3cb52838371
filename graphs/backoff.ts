/**
 * How long to wait before retry number `attempt` (0 for the first retry): `baseMs · 2^attempt`, never
 * more than `maxMs`, then spread by `jitter` — a fraction: 0.2 gives 80–120% of the delay, 0.5 gives
 * 50–150%, 0 (the default) none. Jitter is for what many clients retry at once (sends to a rate-limited
 * chat platform, reconnects after an outage), so that they do not come back in step; a single task's
 * own retries (an MCP server's restart) need none. Pure when `random` is given.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; jitter?: number; random?: () => number },
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30); // 2^30 × any base is past every maxMs in use
  const delay = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = options.jitter ?? 0;
  if (jitter === 0) return delay;
  return delay * (1 - jitter + 2 * jitter * (options.random ?? Math.random)());
}
