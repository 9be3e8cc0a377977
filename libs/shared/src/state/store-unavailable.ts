/**
 * Whether an ioredis failure means "Redis is not reachable right now" (as
 * opposed to a bug): the caller should answer 503 with `Retry-After`, not
 * blame the client.
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ETIMEDOUT|enableOfflineQueue/i.test(err.message)
  );
}
