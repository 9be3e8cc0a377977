import { createError } from '../errors/create-error.js';
import type { RpcErrorBody } from './rpc-reply.js';

const Base = createError<[subject: string, remoteCode: string, remoteMessage: string]>(
  'PBX_ERR_NATS_REMOTE',
  'service on %s refused the request: %s %s',
  502,
);

/**
 * The service answered `{ok:false, error}`. `remote` carries the service's
 * own code (e.g. `PBX_ERR_NATS_BAD_MESSAGE`) so callers can branch on it.
 */
export class NatsRemoteError extends Base {
  static override readonly code = 'PBX_ERR_NATS_REMOTE';
  readonly remote: Readonly<RpcErrorBody>;

  constructor(subject: string, remote: RpcErrorBody) {
    super(subject, remote.code, remote.message);
    // Not frozen: pino's error serialiser tags every error-like value it walks (this one has a
    // `message`), and a frozen object made logging the error throw.
    this.remote = { code: remote.code, message: remote.message };
  }
}
