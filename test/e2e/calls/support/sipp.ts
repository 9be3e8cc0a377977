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
