import { type ConnectionOptions, connect, type NatsConnection } from 'nats';

/** Options of {@link connectNats}: where, who, and anything else the nats client takes. */
export interface ConnectNatsOptions extends ConnectionOptions {
  /** `NATS_URL`: one URL or a comma-separated list. */
  servers: string | string[];
  /** Shown by the server (`nats server report connections`); use the service and instance. */
  name: string;
}

/**
 * Connects a service to NATS with the settings every Dragon PBX process wants:
 * reconnect for ever (a NATS restart must not end a service), and no stack
 * capture per request (`noAsyncTraces`: nats otherwise builds an Error on every
 * request so a later timeout could show where it was sent; our request errors
 * carry the subject instead, and the capture is a measurable part of a media
 * operation). Anything in `options` wins over these defaults.
 */
export function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? options.servers.split(',').map((s) => s.trim()) : options.servers;
  return connect({ maxReconnectAttempts: -1, noAsyncTraces: true, ...options, servers });
}
