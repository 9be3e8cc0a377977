/**
 * RFC 3261 §17 / Table 4 timer values, derived once from T1/T2/T4.
 * Timers that are zero on reliable transports (D, I, J, K) are stored with
 * their unreliable value; transactions use 0 on TCP.
 */
import { PBX_ERR_SIP_OPTIONS } from './sip/errors.js';

export interface SipTimerInput {
  /** RTT estimate (ms). @defaultValue 500 */
  t1?: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (ms). @defaultValue 4000 */
  t2?: number;
  /** Maximum duration a message remains in the network (ms). @defaultValue 5000 */
  t4?: number;
  /** Client INVITE: wait for a final after a provisional (ms; sofia uses 185 s). @defaultValue 185000 */
  timerC?: number;
}

export interface SipTimers {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  /** Timer B / F / H / L / M: 64×T1. */
  readonly timeout64: number;
  /** Timer C. */
  readonly c: number;
  /** Timer D (UDP): 64×T1 (≥ 32 s with default T1, §17.1.1.2). */
  readonly d: number;
  /** Timer I / K (UDP): T4. */
  readonly i: number;
  /** Timer J (UDP): 64×T1. */
  readonly j: number;
}

/** Validates and freezes timer values. */
export function resolveTimers(input: SipTimerInput = {}): SipTimers {
  const t1 = input.t1 ?? 500;
  const t2 = input.t2 ?? 4000;
  const t4 = input.t4 ?? 5000;
  const c = input.timerC ?? 185_000;
  for (const [k, v] of Object.entries({ t1, t2, t4, timerC: c })) {
    if (!Number.isFinite(v) || v <= 0) throw new PBX_ERR_SIP_OPTIONS(`${k} must be a positive number`);
  }
  if (t2 < t1) throw new PBX_ERR_SIP_OPTIONS('t2 must be >= t1');
  return Object.freeze({ t1, t2, t4, timeout64: 64 * t1, c, d: 64 * t1, i: t4, j: 64 * t1 });
}
