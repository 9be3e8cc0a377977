import { randomBytes } from 'node:crypto';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { isDirectMedia, withoutDirect } from '../src/model/media/direct-media.js';
import { MediaAnswerRequestSchema } from '../src/model/media/media-answer.js';
import { MediaClient } from '../src/nats/media-client.js';
import { MediaDeleteRequestSchema } from '../src/model/media/media-delete.js';
import { MediaDtmfRequestSchema } from '../src/model/media/media-dtmf.js';
import { PBX_ERR_MEDIA_ENGINE_DOWN } from '../src/model/media/media-errors.js';
import { MediaOfferRequestSchema } from '../src/model/media/media-offer.js';
import { MediaPlayRequestSchema } from '../src/model/media/media-play.js';
import { MediaSubscribeRequestSchema } from '../src/model/media/media-subscribe.js';
import { serve } from '../src/nats/serve.js';
import { createSubjects } from '../src/nats/subjects.js';
import { useNats } from './nats-fixture.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
const offer = TypeCompiler.Compile(MediaOfferRequestSchema);
const answer = TypeCompiler.Compile(MediaAnswerRequestSchema);
const play = TypeCompiler.Compile(MediaPlayRequestSchema);
const dtmf = TypeCompiler.Compile(MediaDtmfRequestSchema);
const del = TypeCompiler.Compile(MediaDeleteRequestSchema);
const sub = TypeCompiler.Compile(MediaSubscribeRequestSchema);

describe('media RPC schemas', () => {
  it('accept a well-formed offer and answer', () => {
    expect(offer.Check({ callId: 'a@b', fromTag: 't1', sdp: SDP, callerCodecs: ['PCMU', 'DIRECT'], destCodecs: ['G722'] })).toBe(true);
    expect(answer.Check({ callId: 'a@b', fromTag: 't1', toTag: 't2', sdp: SDP })).toBe(true);
    expect(del.Check({ callId: 'a@b' })).toBe(true);
  });

  it('refuse SDP that is not SDP, Call-IDs with spaces, unknown fields and bad codec names', () => {
    expect(offer.Check({ callId: 'a@b', fromTag: 't1', sdp: 'hello' })).toBe(false);
    expect(offer.Check({ callId: 'a b', fromTag: 't1', sdp: SDP })).toBe(false);
    expect(offer.Check({ callId: 'a', fromTag: 't1', sdp: SDP, extra: 1 })).toBe(false);
    expect(offer.Check({ callId: 'a', fromTag: 't1', sdp: SDP, destCodecs: ['G.7 22'] })).toBe(false);
    expect(answer.Check({ callId: 'a', fromTag: 't1', sdp: SDP })).toBe(false); // toTag missing
  });

  it('only accept absolute media paths that cannot climb out with ..', () => {
    const req = (file: string) => ({ callId: 'c', fromTag: 't', file });
    expect(play.Check(req('/var/media/hello.wav'))).toBe(true);
    expect(play.Check(req('relative.wav'))).toBe(false);
    expect(play.Check(req('/var/media/../../etc/passwd'))).toBe(false);
    expect(play.Check(req('/..'))).toBe(false);
    expect(play.Check(req('/var/media/a..b.wav'))).toBe(true);
    expect(play.Check({ ...req('/a.wav'), repeatTimes: 0 })).toBe(false);
  });

  it('bound DTMF digits and durations, and SIPREC leg lists', () => {
    expect(dtmf.Check({ callId: 'c', fromTag: 't', digits: '12*#AD' })).toBe(true);
    expect(dtmf.Check({ callId: 'c', fromTag: 't', digits: '1x' })).toBe(false);
    expect(dtmf.Check({ callId: 'c', fromTag: 't', digits: '1', durationMs: 10 })).toBe(false);
    expect(sub.Check({ callId: 'c', fromTags: [] })).toBe(false);
    expect(sub.Check({ callId: 'c', fromTags: ['a', 'b'], codecs: ['PCMU'] })).toBe(true);
  });
});

describe('direct media', () => {
  it('applies only when both lists hold DIRECT, in any position and case', () => {
    expect(isDirectMedia(['DIRECT', 'PCMU'], ['G722', 'direct'])).toBe(true);
    expect(isDirectMedia(['PCMU'], ['DIRECT'])).toBe(false);
    expect(isDirectMedia(undefined, ['DIRECT'])).toBe(false);
    expect(withoutDirect(['PCMU', 'Direct', 'G722'])).toEqual(['PCMU', 'G722']);
  });
});

describe('MediaClient', () => {
  const nats = useNats();
  const subjects = createSubjects({ prefix: `t${randomBytes(6).toString('hex')}` });

  it('sends each operation on its own subject and validates the reply', async () => {
    const seen: string[] = [];
    const subs = [
      serve(nats.nc, subjects.media('offer'), (p: { callId: string }) => {
        seen.push(`offer:${p.callId}`);
        return { sdp: SDP, engine: '127.0.0.1:22222', direct: false };
      }),
      serve(nats.nc, subjects.media('play'), () => ({ durationMs: 'long' })),
      serve(nats.nc, subjects.media('query'), () => {
        throw new PBX_ERR_MEDIA_ENGINE_DOWN('127.0.0.1:1', 'c1');
      }),
    ];
    try {
      const client = new MediaClient({ subjects, timeoutMs: 1000 }, { nc: nats.nc });
      await expect(client.offer({ callId: 'c1', fromTag: 'a', sdp: SDP })).resolves.toEqual({
        sdp: SDP,
        engine: '127.0.0.1:22222',
        direct: false,
      });
      expect(seen).toEqual(['offer:c1']);
      await expect(client.play({ callId: 'c1', fromTag: 'a', file: '/x.wav' })).rejects.toMatchObject({ code: 'PBX_ERR_NATS_BAD_MESSAGE' });
      await expect(client.query({ callId: 'c1' })).rejects.toMatchObject({
        code: 'PBX_ERR_NATS_REMOTE',
        remote: { code: 'PBX_ERR_MEDIA_ENGINE_DOWN' },
      });
      await expect(client.stop({ callId: 'c1', fromTag: 'a' })).rejects.toMatchObject({ code: 'PBX_ERR_NATS_NO_RESPONDERS' });
    } finally {
      for (const s of subs) s.unsubscribe();
    }
  });

  it('has a subject for every operation, including SIPREC answer/unsubscribe and query', () => {
    expect(subjects.media('subscribe-answer')).toBe(`${subjects.prefix}.dragon.media.subscribe-answer`);
    expect(subjects.media('unsubscribe')).toBe(`${subjects.prefix}.dragon.media.unsubscribe`);
    expect(subjects.media('query')).toBe(`${subjects.prefix}.dragon.media.query`);
  });
});
