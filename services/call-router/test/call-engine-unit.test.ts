import { describe, expect, it, vi } from 'vitest';
import type { StatusEnvelope } from '@dragonpbx/shared/contracts';
import { CallEvents } from '../src/engine/call-events.js';
import { CALL_TRANSITIONS, CallState } from '../src/engine/call-state.js';
import { CallStateMachine } from '../src/engine/call-state-machine.js';
import { LEG_TRANSITIONS, LegState, assertLegTransition } from '../src/verbs/connect/leg-state.js';
import { runPause, sleep } from '../src/verbs/pause-verb.js';
import { runResponse } from '../src/verbs/response-verb.js';
import type { VerbContext } from '../src/verbs/verb-context.js';
import { silent } from './helpers/config.js';

const ALL = Object.values(CallState);

describe('CallStateMachine', () => {
  it('starts in Routing and follows the diagram (first fetch, a retry, the 604)', () => {
    const m = new CallStateMachine();
    const seen: string[] = [];
    m.onTransition((from, to) => seen.push(`${from}>${to}`));
    for (const s of [CallState.Fetching, CallState.Running, CallState.Fetching, CallState.Running, CallState.Responded, CallState.Ended]) m.transition(s);
    expect(seen).toEqual(['routing>fetching', 'fetching>running', 'running>fetching', 'fetching>running', 'running>responded', 'responded>ended']);
  });

  it('every edge not in the diagram throws PBX_ERR_CALL_TRANSITION and leaves the state alone', () => {
    let illegal = 0;
    for (const from of ALL) {
      for (const to of ALL) {
        if (CALL_TRANSITIONS[from].includes(to)) continue;
        const m = new CallStateMachine();
        // Walk to `from` along legal edges.
        const path: Record<CallState, CallState[]> = {
          [CallState.Routing]: [],
          [CallState.Fetching]: [CallState.Fetching],
          [CallState.Running]: [CallState.Fetching, CallState.Running],
          [CallState.Responded]: [CallState.Responded],
          [CallState.Cancelled]: [CallState.Cancelled],
          [CallState.Answered]: [CallState.Fetching, CallState.Running, CallState.Answered],
          [CallState.HungUp]: [CallState.Fetching, CallState.Running, CallState.Answered, CallState.HungUp],
          [CallState.Ended]: [CallState.Cancelled, CallState.Ended],
        };
        for (const s of path[from]) m.transition(s);
        expect(() => m.transition(to), `${from} → ${to}`).toThrow(expect.objectContaining({ code: 'PBX_ERR_CALL_TRANSITION' }));
        expect(m.state).toBe(from);
        illegal++;
      }
    }
    expect(illegal).toBe(ALL.length * ALL.length - Object.values(CALL_TRANSITIONS).flat().length);
  });

  it('an answered call runs on (transaction over, call not over) until it is hung up', () => {
    const m = new CallStateMachine();
    m.transition(CallState.Fetching);
    m.transition(CallState.Running);
    m.transition(CallState.Answered);
    expect([m.transactionOver, m.finished]).toEqual([true, false]);
    expect(() => m.transition(CallState.Responded)).toThrow();
    expect(() => m.transition(CallState.Fetching)).toThrow();
    m.transition(CallState.HungUp);
    expect(m.finished).toBe(true);
    m.transition(CallState.Ended);
  });

  it('nothing leaves Responded or Cancelled but Ended; a throwing listener is contained', () => {
    const errors: unknown[] = [];
    const m = new CallStateMachine((e) => errors.push(e));
    m.onTransition(() => {
      throw new Error('bad listener');
    });
    m.transition(CallState.Cancelled);
    expect(m.finished).toBe(true);
    expect(() => m.transition(CallState.Responded)).toThrow();
    m.transition(CallState.Ended);
    expect(errors).toHaveLength(2);
  });
});

describe('leg state machine', () => {
  it('allows exactly the edges of its diagram; every other move throws PBX_ERR_CALL_TRANSITION', () => {
    const states = Object.values(LegState);
    let legal = 0;
    for (const from of states) {
      for (const to of states) {
        if (LEG_TRANSITIONS[from].includes(to)) {
          expect(() => assertLegTransition(from, to)).not.toThrow();
          legal++;
        } else {
          expect(() => assertLegTransition(from, to), `${from} → ${to}`).toThrow(expect.objectContaining({ code: 'PBX_ERR_CALL_TRANSITION' }));
        }
      }
    }
    expect(legal).toBe(9);
    // A late 200 on a cancelled leg is released, never bridged; an answered leg is never cancelled.
    expect(() => assertLegTransition(LegState.Cancelling, LegState.Answered)).toThrow();
    expect(() => assertLegTransition(LegState.Answered, LegState.Cancelling)).toThrow();
  });
});

function events(statusHook: string | undefined, publish: (e: StatusEnvelope) => Promise<void> = async () => {}) {
  const published: StatusEnvelope[] = [];
  const failed = vi.fn();
  const ev = new CallEvents(
    { callId: 'c1', domain: 'd.test', ...(statusHook && { statusHook }) },
    {
      sink: {
        publish: (e) => {
          published.push(e);
          return publish(e);
        },
      },
      logger: silent,
      onPublishFailed: failed,
    },
  );
  return { ev, published, failed };
}

describe('CallEvents', () => {
  it('numbers events from 1, stamps timestamp and domain, sends label only for a string statusLabel', () => {
    const { ev, published } = events('http://h/status');
    ev.emit('pause:start', 'lbl', { duration: 1 });
    ev.emit('pause:complete', undefined, { duration: 1 });
    expect(published.map((e) => e.body)).toEqual([
      { callId: 'c1', event: 'pause:start', label: 'lbl', duration: 1, seq: 1, timestamp: expect.any(String), domain: 'd.test' },
      { callId: 'c1', event: 'pause:complete', duration: 1, seq: 2, timestamp: expect.any(String), domain: 'd.test' },
    ]);
    expect(published[0]).toMatchObject({ callId: 'c1', seq: 1, url: 'http://h/status' });
    expect(published[0]!.id).not.toBe(published[1]!.id);
    expect(Number.isNaN(Date.parse(published[0]!.createdAt))).toBe(false);
  });

  it('statusLabel false, no StatusHook, or a file: StatusHook send nothing (and use no seq)', () => {
    const a = events('http://h/status');
    a.ev.emit('pause:start', false, { duration: 1 });
    a.ev.emit('pause:complete', 'x', { duration: 1 });
    expect(a.published.map((e) => e.seq)).toEqual([1]);
    for (const hook of [undefined, 'file:/status.json']) {
      const b = events(hook);
      b.ev.emit('pause:start', 'x', { duration: 1 });
      expect(b.published).toEqual([]);
    }
  });

  it('a failing publish is counted and never thrown to the call', async () => {
    const { ev, failed } = events('http://h/status', async () => {
      throw new Error('nats down');
    });
    expect(() => ev.emit('response:start', undefined)).not.toThrow();
    await ev.settled();
    expect(failed).toHaveBeenCalledOnce();
  });
});

function ctx(over: Partial<VerbContext> = {}): VerbContext & { sent: unknown[]; emitted: unknown[] } {
  const sent: unknown[] = [];
  const emitted: unknown[] = [];
  return {
    callId: 'c',
    signal: new AbortController().signal,
    answered: false,
    respond: (s, r, h) => {
      sent.push([s, r, h]);
      return true;
    },
    emit: (e, x) => emitted.push(x ? [e, x] : e),
    answer: () => Promise.reject(new Error('no SIP in unit tests')),
    legsSent: () => undefined,
    defer: () => undefined,
    progress: () => undefined,
    transfer: () => undefined,
    media: {},
    caller: { sdp: '', fromTag: 't', from: '1000', codecs: ['PCMU'], domain: 'd' },
    logger: silent,
    sent,
    emitted,
    ...over,
  };
}

describe('verbs', () => {
  it('response: sends code, reason and headers (numbers as text) and ends the script', () => {
    const c = ctx();
    expect(runResponse({ verb: 'response', code: 302, reason: 'Moved', headers: { Contact: '<sip:x@y>', 'X-N': 3 } }, c)).toBe('end');
    expect(c.sent).toEqual([[302, 'Moved', { Contact: '<sip:x@y>', 'X-N': '3' }]]);
    expect(c.emitted).toEqual(['response:start', 'response:complete']);
  });

  it('response on an answered call: response:notsent, nothing sent, the script goes on', () => {
    const c = ctx({ answered: true });
    expect(runResponse({ verb: 'response', code: 486 }, c)).toBe('next');
    expect(c.sent).toEqual([]);
    expect(c.emitted).toEqual(['response:notsent']);
  });

  it('pause: waits its duration; an abort ends it at once without pause:complete', async () => {
    const c = ctx();
    const t0 = Date.now();
    expect(await runPause({ verb: 'pause', duration: 0.2 }, c)).toBe('next');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(c.emitted).toEqual([['pause:start', { duration: 0.2 }], ['pause:complete', { duration: 0.2 }]]);
    const ac = new AbortController();
    const d = ctx({ signal: ac.signal });
    const t1 = Date.now();
    setTimeout(() => ac.abort(), 50);
    expect(await runPause({ verb: 'pause', duration: 30 }, d)).toBe('end');
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(d.emitted).toEqual([['pause:start', { duration: 30 }]]);
    await sleep(10, ac.signal);
  });
});

describe('announce media files', () => {
  it('file:/x and /x resolve under MEDIA_PATH; .. (plain or encoded) and http(s) are refused', async () => {
    const { resolveMediaFile } = await import('../src/verbs/announce/media-file.js');
    expect(resolveMediaFile('file:/greeting.wav', '/srv/media')).toBe('/srv/media/greeting.wav');
    expect(resolveMediaFile('/sub/x.wav', '/srv/media')).toBe('/srv/media/sub/x.wav');
    for (const bad of ['file:/../etc/passwd', '/a/../../x.wav', '/%2e%2e/x.wav', 'file:x.wav', 'https://example.com/a.mp3']) {
      expect(() => resolveMediaFile(bad, '/srv/media'), bad).toThrow();
    }
  });
});
