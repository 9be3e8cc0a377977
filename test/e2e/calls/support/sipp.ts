import { fileURLToPath } from 'node:url';
import { describeSipp, scenarioSipp } from '@dragonpbx/testkit';

/** SIPp runs of the scenarios in `calls/scenarios/`. */
export const { startSipp, runSipp } = scenarioSipp(fileURLToPath(new URL('../scenarios/', import.meta.url)));

export { describeSipp };

/**
 * Registers each phone (`uac-register.xml`: 401, then digest with password `pw<user>`) from its
 * own SIP port, with the media port its later calls will use; fails naming the SIPp run.
 */
export async function registerPhones(
  target: string,
  domain: string,
  sipPorts: Readonly<Record<string, number>>,
  mediaPort: (user: string) => number,
): Promise<void> {
  for (const user of Object.keys(sipPorts)) {
    const reg = await runSipp({
      scenario: 'uac-register.xml',
      target,
      port: sipPorts[user]!,
      mediaPort: mediaPort(user),
      keys: { domain, user },
      vars: { user, password: `pw${user}` },
    });
    if (reg.code !== 0) throw new Error(`${user} did not register: ${describeSipp(reg)}`);
  }
}

/**
 * SIPp phones of one file: `phone(user, scenario)` waits on the user's SIP port (a UAS scenario;
 * `phoneVars` are added to its variables), `call(from, to, scenario)` dials through `target`
 * from the caller's port with its digest credentials (password `pw<from>`).
 */
export function sippPhones(o: {
  readonly target: string;
  readonly domain: string;
  readonly sipPorts: Readonly<Record<string, number>>;
  readonly mediaPorts: Readonly<Record<string, number>>;
  readonly phoneVars?: Readonly<Record<string, string>>;
}) {
  return {
    phone: (user: string, scenario: string, vars: Record<string, string> = {}) =>
      startSipp({ scenario, port: o.sipPorts[user]!, mediaPort: o.mediaPorts[user]!, vars: { ...o.phoneVars, ...vars } }),
    call: (from: string, to: string, scenario: string, vars: Record<string, string> = {}) =>
      startSipp({
        scenario,
        target: o.target,
        port: o.sipPorts[from]!,
        mediaPort: o.mediaPorts[from]!,
        keys: { domain: o.domain, from, to },
        vars: { from, password: `pw${from}`, ...vars },
      }),
  };
}
