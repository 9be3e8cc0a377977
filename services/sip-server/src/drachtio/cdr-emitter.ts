import { randomUUID } from 'node:crypto';
import type { AdminConnection } from './admin-connection.js';
import { stackTime } from './meta.js';
import type { RouteTable } from './route-table.js';

/** `cdr:start` roles (docs/drachtio-protocol.md §3.10). */
export type CdrRole = 'uac' | 'uas' | 'proxy-uac' | 'proxy-uas';
/** `cdr:stop` reasons (docs/drachtio-protocol.md §3.10). */
export type CdrStopReason =
  | 'call-rejected'
  | 'call-canceled'
  | 'normal-release'
  | 'session-expired'
  | 'system-initiated-termination'
  | 'system-error-initiated-termination';

/**
 * CDR frames (docs/drachtio-protocol.md §3.10): sent round-robin to a connection that routed
 * `cdr:attempt|start|stop`, only when CDRs are enabled (`<cdrs>true</cdrs>`).
 */
export class CdrEmitter {
  constructor(
    private readonly routes: RouteTable<AdminConnection>,
    private readonly enabled: boolean,
  ) {}

  attempt(source: 'network' | 'application', msg: Buffer): void {
    if (!this.enabled) return;
    this.#emit('cdr:attempt', `${source}|${stackTime()}`, msg);
  }

  start(source: 'network' | 'application', role: CdrRole, msg: Buffer): void {
    if (!this.enabled) return;
    this.#emit('cdr:start', `${source}|${stackTime()}|${role}`, msg);
  }

  stop(source: 'network' | 'application', reason: CdrStopReason, msg: Buffer): void {
    if (!this.enabled) return;
    this.#emit('cdr:stop', `${source}|${stackTime()}|${reason}`, msg);
  }

  // Callers check `enabled` first so the time stamp is not formatted on every call with CDRs off.
  #emit(verb: string, rest: string, msg: Buffer): void {
    const conn = this.routes.select(verb);
    conn?.send(`${randomUUID()}|${verb}|${rest}`, msg);
  }
}
