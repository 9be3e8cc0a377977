/**
 * The call-router bench's rate phase as the results page shows it: one rate
 * search per path (PBX, baseline, architecture floor), each step's CPU per
 * call by process, and the ratios between the paths.
 */
import type { UacRun } from './sipp.js';

/** One step of a rate search: SIPp's outcome and what it cost. */
export interface Step extends UacRun {
  /** CPU ms per successful call: application, media-controller (pbx and floor), sip-server. */
  readonly appCpu: number;
  readonly mediaCpu: number;
  readonly serverCpu: number;
  /** Redis and NATS servers together, CPU ms per successful call. */
  readonly storeCpu: number;
  /** The whole machine (every core, /proc/stat: all but idle and iowait), CPU ms per successful call. */
  readonly machineCpu: number;
  /** Messages the run's status stream stored during the step, per successful call. */
  readonly events: number;
  /** Their mean stored size (subject, headers, payload), bytes; NaN without any. */
  readonly eventBytes: number;
}

/** One path's rate search. */
export interface RateResult {
  /** The highest offered rate with zero failed calls. */
  readonly best: number;
  readonly steps: Step[];
  /** Mean size of the CallHook request bodies the path sent during the search, bytes (NaN without any). */
  readonly hookBodyBytes: number;
}

export const okRun = (r: UacRun) => r.exitCode === 0 && r.failed === 0 && r.successful === r.calls;

export const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/** The rate section of the results page; empty without both the PBX and the baseline. */
export function renderRate(r: {
  readonly pbx: RateResult | undefined;
  readonly baseline: RateResult | undefined;
  readonly floor: RateResult | undefined;
  readonly stepSeconds: number;
  readonly startRate: number;
  readonly maxRate: number;
}): string {
  const { pbx, baseline, floor } = r;
  if (!pbx || !baseline) return '';
  const rows = (steps: Step[]) =>
    steps
      .map(
        (s) =>
          `| ${s.rate} | ${s.calls} | ${s.successful} | ${s.failed} | ${s.seconds.toFixed(1)} | ${okRun(s) ? 'pass' : 'FAIL'} | ${s.appCpu.toFixed(2)} | ${s.mediaCpu.toFixed(2)} | ${s.serverCpu.toFixed(2)} | ${s.storeCpu.toFixed(2)} | ${s.machineCpu.toFixed(2)} | ${s.events.toFixed(2)} |`,
      )
      .join('\n');
  const table = (appColumn: string, mediaColumn: string, steps: Step[]) => `| offered/s | calls | ok | failed | seconds | step | ${appColumn} | ${mediaColumn} | sip-server CPU ms/call | Redis + NATS servers CPU ms/call | whole machine CPU ms/call | status events/call |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows(steps)}`;
  const passing = (x: RateResult) => x.steps.filter(okRun);
  const meanOf = (x: RateResult, f: (s: Step) => number) => {
    const ok = passing(x);
    return ok.length > 0 ? ok.reduce((m, s) => m + f(s), 0) / ok.length : Number.NaN;
  };
  /** The passing step at the highest rate: the closest to saturation, where fixed costs weigh least per call. */
  const top = (x: RateResult) => passing(x).reduce<Step | undefined>((t, s) => (t === undefined || s.rate > t.rate ? s : t), undefined);
  const appCpu = (x: RateResult) => meanOf(x, (s) => s.appCpu + s.mediaCpu);
  const machineCpu = (x: RateResult) => top(x)?.machineCpu ?? Number.NaN;
  const events = (x: RateResult) => {
    const t = top(x);
    return t === undefined ? '—' : `${t.events.toFixed(2)}${Number.isFinite(t.eventBytes) ? ` (${t.eventBytes.toFixed(0)} B each)` : ''}`;
  };
  const hook = (x: RateResult) => (Number.isFinite(x.hookBodyBytes) ? `${x.hookBodyBytes.toFixed(0)} B` : '—');
  const capped = (x: RateResult) => (x.best >= r.maxRate ? ' (search capped)' : '');
  const row = (name: string, x: RateResult, cpuNote: string) =>
    `| ${name} | **${x.best} calls/s**${capped(x)} | ${appCpu(x).toFixed(2)} ms${cpuNote} | ${machineCpu(x).toFixed(2)} ms (at ${top(x)?.rate ?? '—'}/s) | ${events(x)} | ${hook(x)} |`;
  const ratio = (num: RateResult, den: RateResult, name: string) =>
    `| ratio ${name} | **${(den.best > 0 ? num.best / den.best : Number.NaN).toFixed(2)}** | ${(appCpu(num) / appCpu(den)).toFixed(2)} × | ${(machineCpu(num) / machineCpu(den)).toFixed(2)} × | | |`;
  const pbxRatio = baseline.best > 0 ? pbx.best / baseline.best : Number.NaN;
  const floorText = floor
    ? `

The **architecture floor** (\`bench/call-router/floor-b2bua.ts\`) is the baseline's SIP flow plus, done the cheapest straightforward way (no state machine, no verbs), the per-call I/O the architecture requires of any call-router: the CallHook POST (a body with the call-router's fields and its poster's headers, keep-alive HTTP), the media through the real media-controller over NATS (the call-router's MediaClient and offer/answer/delete requests), the status events of this call flow stored in the JetStream stream (the call-router's envelopes through publishStatusEvent over a StreamPublisher, as many per call as the call-router sends: last column), and the live-call summary in Redis (CallStore: one put once answered, one remove at the end; the call-router's summary changes of a call's first 20 ms — routed, answered, bridged — make one put too). It carries the call-router's \`traceparent\`s but runs no OpenTelemetry. Floor / baseline is what the architecture costs; PBX / floor is what the call-router's own code costs on top of it — the most that work on the call-router alone can win.`
    : '';
  return `## (a) Highest call rate at zero failures (1 s calls)

Each step offers rate × ${r.stepSeconds} s calls and passes only with zero failed calls; rates double from ${r.startRate}/s (cap ${r.maxRate}/s) until a step fails, then a binary search to within 5 %. After a failed step the application and the callee are restarted.

| path | highest rate at zero failures | application CPU per call (mean of passing steps) | whole machine CPU per call (highest passing step) | status events per call (same step) | CallHook body |
|---|---|---|---|---|---|
${row('PBX (call-router + media-controller)', pbx, ' (call-router + media-controller)')}
${floor ? `${row('architecture floor (floor-b2bua + media-controller)', floor, ' (floor + media-controller)')}\n` : ''}${row('baseline B2BUA', baseline, '')}
${ratio(pbx, baseline, 'PBX / baseline')}${floor ? `\n${ratio(floor, baseline, 'floor / baseline')}\n${ratio(pbx, floor, 'PBX / floor')}` : ''}

Targets: ratio PBX / baseline ≥ 0.7: ${verdict(pbxRatio >= 0.7)}; ≥ 200 calls/s: ${verdict(pbx.best >= 200)}.${floorText}

PBX steps:

${table('call-router CPU ms/call', 'media-controller CPU ms/call', pbx.steps)}
${floor ? `\nArchitecture floor steps:\n\n${table('floor CPU ms/call', 'media-controller CPU ms/call', floor.steps)}\n` : ''}
Baseline steps:

${table('baseline CPU ms/call', '—', baseline.steps)}
`;
}
