import { OPTION_TABLE } from './option-table.js';

/** `--help` text, generated from the option table so it cannot drift. */
export function usageText(program = 'sip-server'): string {
  const lines = [`Usage: ${program} [OPTIONS]`, '', 'drachtio-compatible SIP server. Options:', ''];
  for (const o of OPTION_TABLE) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.takesValue ? ' <value>' : ''}`;
    const note = o.use === 'ignore' ? ' [accepted, ignored]' : '';
    lines.push(`  ${flag.padEnd(46)} ${o.help}${note}`);
  }
  lines.push(
    '',
    'Environment: DRACHTIO_SECRET, DRACHTIO_ADMIN_ADDRESS, DRACHTIO_ADMIN_TCP_PORT, DRACHTIO_LOGLEVEL,',
    'DRACHTIO_PROMETHEUS_SCRAPE_PORT, DRACHTIO_USER_AGENT_OPTIONS_AUTO_RESPOND, DRACHTIO_CONFIG_FILE_PATH.',
    'Precedence: command line > environment > configuration file > defaults.',
  );
  return lines.join('\n');
}
