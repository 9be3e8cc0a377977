import Srf from 'drachtio-srf';

/**
 * drachtio-srf ships partial typings (no `register()`, no version argument
 * on `connect`, loose dialog types), so tests drive it through this loose type.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type LooseSrf = any;

/** A new, unconnected drachtio-srf application. */
export function newSrf(): LooseSrf {
  return new Srf();
}

/** Connects `srf` to the admin port and resolves with `[hostport, version]`. */
export function connectSrf(srf: LooseSrf, port: number, secret = 'cymru'): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    srf.on('connect', (err: Error | null, hostport: string, version: string) =>
      err ? reject(err) : resolve([hostport, version]),
    );
    srf.on('error', () => {});
    srf.connect({ host: '127.0.0.1', port, secret, reconnect: { maxAttempts: 0 } });
  });
}
