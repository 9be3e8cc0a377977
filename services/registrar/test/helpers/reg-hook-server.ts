import { type HookReply, HookServer } from '@dragonpbx/testkit';

export type { HookCall, HookReply } from '@dragonpbx/testkit';

/** A real HTTP RegHook on an ephemeral port: every path answers the `reply` each test sets. */
export class RegHookServer extends HookServer {
  reply: HookReply = { kind: 'json', body: { status: 'ok' } };

  constructor() {
    super();
    this.otherwise = () => this.reply;
  }

  /** The RegHook URL the test config names. */
  get hookUrl(): string {
    return this.url('/reghook');
  }
}
