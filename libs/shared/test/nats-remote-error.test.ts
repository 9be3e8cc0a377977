import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { NatsRemoteError } from '../src/nats/nats-remote-error.js';

describe('NatsRemoteError', () => {
  it('logs through pino as `{ err }` with the remote code (a frozen `remote` made the serializer throw)', () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, out);
    const err = new NatsRemoteError('x.dragon.media.offer', { code: 'PBX_ERR_MEDIA_NO_ENGINE', message: 'no healthy RTPEngine available' });
    expect(() => logger.warn({ err }, 'media offer failed')).not.toThrow();
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ err: { remote: { code: 'PBX_ERR_MEDIA_NO_ENGINE' } }, msg: 'media offer failed' });
    expect(err.remote.code).toBe('PBX_ERR_MEDIA_NO_ENGINE');
  });
});
