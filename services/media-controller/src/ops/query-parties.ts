import type { MediaPartyStats } from '@dragonpbx/shared/contracts';

interface NgStream {
  'local port'?: unknown;
  stats?: { packets?: unknown; bytes?: unknown };
}

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

/**
 * Sums an ng `query` reply per tag: `tags.<tag>.medias[].streams[]` carry the
 * local port and the packets/bytes received from that party. RTCP streams
 * (odd ports next to their RTP port) are counted too; callers comparing
 * before/after only look at differences.
 */
export function partiesOf(reply: Record<string, unknown>): MediaPartyStats[] {
  const tags = reply.tags;
  if (typeof tags !== 'object' || tags === null) return [];
  return Object.entries(tags as Record<string, unknown>).map(([tag, value]) => {
    const medias = (value as { medias?: unknown }).medias;
    const streams: NgStream[] = Array.isArray(medias)
      ? medias.flatMap((m) => (Array.isArray((m as { streams?: unknown }).streams) ? (m as { streams: NgStream[] }).streams : []))
      : [];
    const localPorts = streams.map((s) => s['local port']).filter((p): p is number => typeof p === 'number');
    return {
      tag,
      localPorts,
      packets: streams.reduce((n, s) => n + count(s.stats?.packets), 0),
      bytes: streams.reduce((n, s) => n + count(s.stats?.bytes), 0),
    };
  });
}
