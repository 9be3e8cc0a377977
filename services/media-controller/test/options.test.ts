import { describe, expect, it } from 'vitest';
import { resolveMediaControllerOptions } from '../src/media-controller-options.js';

describe('media-controller options', () => {
  it('applies documented defaults and freezes the result', () => {
    const o = resolveMediaControllerOptions({ engines: [{ host: '127.0.0.1', port: 22222 }] });
    expect(o).toEqual({
      engines: [{ host: '127.0.0.1', port: 22222 }],
      subjectPrefix: '',
      keyPrefix: '',
      queue: 'media-controller',
      ngTimeoutMs: 2000,
      healthIntervalMs: 2000,
      affinityTtlSec: 43_200,
      placement: 'least-loaded',
      deleteDelaySec: 0,
      affinityCacheSize: 50_000,
    });
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.engines[0])).toBe(true);
  });

  it('rejects an empty pool, bad ports, unknown keys and unknown placements with PBX_ERR_MEDIA_OPTIONS', () => {
    const bad = [
      { engines: [] },
      { engines: [{ host: 'x', port: 0 }] },
      { engines: [{ host: 'x', port: 1 }], ngTimeoutMs: 1 },
      { engines: [{ host: 'x', port: 1 }], placement: 'random' },
      { engines: [{ host: 'x', port: 1 }], keyPrefix: 'a b' },
      { engines: [{ host: 'x', port: 1 }], extra: true },
    ];
    for (const input of bad) {
      expect(() => resolveMediaControllerOptions(input as never)).toThrow(expect.objectContaining({ code: 'PBX_ERR_MEDIA_OPTIONS' }));
    }
  });
});
