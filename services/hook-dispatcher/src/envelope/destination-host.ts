/** Hosts of recently seen URLs: most events go to a handful of StatusHook URLs. */
const hostOfUrl = new Map<string, string>();
const HOST_CACHE_SIZE = 1024;

/** `host[:port]` of the StatusHook URL: the unit of per-destination concurrency and of metrics labels. */
export function destinationHost(url: string): string {
  let host = hostOfUrl.get(url);
  if (host === undefined) {
    host = new URL(url).host.toLowerCase();
    if (hostOfUrl.size >= HOST_CACHE_SIZE) hostOfUrl.clear();
    hostOfUrl.set(url, host);
  }
  return host;
}
