import type { Logger } from 'pino';
import { Srf } from './srf.js';
import { PBX_ERR_SRF_AUTH, PBX_ERR_SRF_CONNECT_TIMEOUT, PBX_ERR_SRF_OPTIONS } from './srf-errors.js';

/** Options of {@link connectSrf}. */
export interface ConnectSrfOptions {
  /** drachtio admin host (`DRACHTIO_HOST`). */
  host: string;
  /** drachtio admin port (`DRACHTIO_PORT`). */
  port: number;
  /** Shared secret (`DRACHTIO_SECRET`). */
  secret: string;
  /** Tags for tagged routing. @defaultValue none */
  tags?: string[];
  /**
   * How long to keep retrying the first connection (the SIP server may start
   * after us). A refused secret fails at once.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * An app whose handlers are already registered, so routes are sent with the
   * first authentication.
   * @defaultValue a new `Srf` (with `tags`)
   */
  srf?: Srf;
}

/** A connected app. */
export interface ConnectedSrf {
  srf: Srf;
  /** SIP transports of the server, e.g. `['udp/127.0.0.1:5060']`. */
  hostports: string[];
  serverVersion: string | undefined;
  /** Whether the app is connected and authenticated now (false while drachtio-srf reconnects): readiness. */
  connected(): boolean;
  /** Stops reconnecting and closes the socket. */
  disconnect(): void;
}

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Connects a drachtio-srf app to a drachtio server and resolves once it has
 * authenticated (drachtio-protocol.md §2.1). Rejects with PBX_ERR_SRF_AUTH on a
 * wrong secret and PBX_ERR_SRF_CONNECT_TIMEOUT when the server stays
 * unreachable; in both cases the app is disconnected so it does not retry in
 * the background. After that, drachtio-srf reconnects by itself on loss of the
 * socket; every drop, retry and recovery is logged here, and socket errors are
 * always handled (an unhandled 'error' event would kill the process).
 */
export function connectSrf(options: ConnectSrfOptions, logger: Log): Promise<ConnectedSrf> {
  if (!options.host || !Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    return Promise.reject(new PBX_ERR_SRF_OPTIONS(`host/port ${options.host}:${options.port}`));
  }
  if (typeof options.secret !== 'string' || options.secret === '') {
    return Promise.reject(new PBX_ERR_SRF_OPTIONS('empty secret'));
  }
  const target = `${options.host}:${options.port}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const srf = options.srf ?? new Srf(options.tags ?? []);
  const log = { target };

  return new Promise<ConnectedSrf>((resolve, reject) => {
    let settled = false;
    let everConnected = false;
    let up = false;
    let lastError = 'none';

    let stopped = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop(srf);
      stopped = true;
      reject(err);
    };
    const timer = setTimeout(() => fail(new PBX_ERR_SRF_CONNECT_TIMEOUT(target, timeoutMs, lastError)), timeoutMs);

    srf.on('error', (err: Error) => {
      lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      if (settled && everConnected) logger.warn({ ...log, err }, 'drachtio connection error');
    });
    srf.on('reconnecting', ({ delay, attempt }) => {
      if (everConnected) logger.warn({ ...log, delay, attempt }, 'reconnecting to drachtio server');
    });
    srf.on('close', () => {
      up = false;
      if (everConnected && !stopped) logger.warn(log, 'drachtio connection lost');
    });
    srf.on('connect', (err, hostport, serverVersion) => {
      if (stopped) {
        // A retry that was already scheduled when we gave up: close it again.
        stop(srf);
        return;
      }
      if (err) {
        if (!settled) return fail(new PBX_ERR_SRF_AUTH(target));
        logger.error({ ...log, err }, 'drachtio server rejected the secret on reconnect');
        return;
      }
      up = true;
      if (everConnected) {
        logger.info({ ...log, hostport }, 'reconnected to drachtio server');
        return;
      }
      everConnected = true;
      settled = true;
      clearTimeout(timer);
      logger.info({ ...log, hostport, serverVersion }, 'connected to drachtio server');
      resolve({
        srf,
        hostports: hostport ? hostport.split(',').filter(Boolean) : [],
        serverVersion,
        connected: () => up,
        disconnect() {
          stopped = true;
          stop(srf);
        },
      });
    });
    srf.connect({ host: options.host, port: options.port, secret: options.secret, ...(options.tags ? { tags: options.tags } : {}) });
  });
}

/**
 * Disconnects and cancels a pending reconnect. drachtio-srf's `disconnect()`
 * throws when no socket is up (e.g. between retries) and leaves an already
 * scheduled retry timer running, so both cases are handled here.
 */
function stop(srf: Srf): void {
  const wp = (srf as unknown as { app?: { wp?: { closing?: boolean; reconnectVars?: { retryTimer?: NodeJS.Timeout | null } } } })
    .app?.wp;
  if (wp) {
    wp.closing = true;
    if (wp.reconnectVars?.retryTimer) {
      clearTimeout(wp.reconnectVars.retryTimer);
      wp.reconnectVars.retryTimer = null;
    }
  }
  try {
    srf.disconnect();
  } catch {
    // no socket connected: nothing to close
  }
}
