import type { Metrics } from '@dragonpbx/shared/platform';
import type { Counter, Gauge, Histogram } from 'prom-client';

/** ng round trips on loopback take ~0.1–2 ms; the shared hook buckets start too high. */
const NG_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The media-controller's series, declared once on the service registry. */
export interface MediaMetrics {
  /** `dragon_media_requests_total{op, result}`; result is `ok` or the error code. */
  readonly requests: Counter<'op' | 'result'>;
  /** `dragon_media_ng_seconds{command, outcome}`: ng round trip to RTPEngine. */
  readonly ngLatency: Histogram<'command' | 'outcome'>;
  /** `dragon_media_ng_retransmits_total{command}`: ng commands sent again for want of a reply (a lost datagram or a slow engine). */
  readonly ngRetransmits: Counter<'command'>;
  /** `dragon_media_engine_up{engine}`: 1 when the last health check passed. */
  readonly engineUp: Gauge<'engine'>;
  /** `dragon_media_engine_sessions{engine}`: sessions the engine reported. */
  readonly engineSessions: Gauge<'engine'>;
}

export function createMediaMetrics(metrics: Metrics): MediaMetrics {
  return Object.freeze({
    requests: metrics.counter('media_requests_total', 'Media RPC requests by operation and result', ['op', 'result']),
    ngLatency: metrics.histogram('media_ng_seconds', 'RTPEngine ng round-trip time', ['command', 'outcome'], NG_BUCKETS),
    ngRetransmits: metrics.counter('media_ng_retransmits_total', 'ng commands sent again for want of a reply', ['command']),
    engineUp: metrics.gauge('media_engine_up', 'RTPEngine health (1 up, 0 down)', ['engine']),
    engineSessions: metrics.gauge('media_engine_sessions', 'Sessions owned by each RTPEngine', ['engine']),
  });
}
