/**
 * Health of one RTPEngine as the pool sees it.
 *
 * ```
 *   unknown ──ping ok──► up ◄──ping ok──┐
 *      │                  │             │
 *      └──ping fails──►  down ──────────┘
 *                         ▲
 *   up ──ping or command times out──┘
 * ```
 * Only `up` engines receive new calls; commands for calls on a `down` engine
 * fail fast with PBX_ERR_MEDIA_ENGINE_DOWN instead of waiting for a timeout.
 */
export const EngineState = {
  Unknown: 'unknown',
  Up: 'up',
  Down: 'down',
} as const;

export type EngineState = (typeof EngineState)[keyof typeof EngineState];
