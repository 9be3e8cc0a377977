/**
 * State of one trunk's outbound registration on this replica.
 *
 * ```
 *            start            200 OK
 *  Idle ───────────► Registering ──────► Registered ──(grant/2)──► Registering
 *                       │   ▲                                         │
 *              failure  ▼   │ backoff elapsed                         │
 *                      Failed ◄───────────────────────────────────────┘ failure
 *  any ──stop()──► Stopped
 * ```
 */
export enum TrunkRegistrationState {
  Idle = 'idle',
  Registering = 'registering',
  Registered = 'registered',
  Failed = 'failed',
  Stopped = 'stopped',
}
