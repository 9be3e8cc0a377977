import { PBX_ERR_SIP_CLI_INVALID } from './cli-errors.js';
import { findLongOption, findShortOption, type OptionSpec } from './option-table.js';

/** One recognised option occurrence, in command-line order. */
export interface OptionOccurrence {
  readonly spec: OptionSpec;
  /** The value, for options that take one. */
  readonly value?: string;
}

export interface TokenizedArgv {
  readonly options: readonly OptionOccurrence[];
  readonly warnings: readonly string[];
}

/**
 * Splits argv (without `node` and the script) in getopt_long style:
 * `--name value`, `--name=value`, `-x value`, `-xvalue`, `--` ends options.
 * Unknown options and stray arguments produce one warning each and are
 * skipped; an option missing its value throws `PBX_ERR_SIP_CLI_INVALID`.
 */
export function tokenizeArgv(argv: readonly string[]): TokenizedArgv {
  const options: OptionOccurrence[] = [];
  const warnings: string[] = [];
  let i = 0;
  const takeValue = (inline: string | undefined, shown: string): string => {
    if (inline !== undefined) return inline;
    const next = argv[i + 1];
    if (next === undefined) throw new PBX_ERR_SIP_CLI_INVALID(shown, 'option requires a value');
    i++;
    return next;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const rest of argv.slice(i + 1)) warnings.push(`ignoring non-option argument "${rest}"`);
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const spec = findLongOption(name);
      if (!spec) {
        warnings.push(`ignoring unknown option --${name}`);
        continue;
      }
      if (!spec.takesValue) {
        if (inline !== undefined) throw new PBX_ERR_SIP_CLI_INVALID(`--${name}`, 'option does not take a value');
        options.push({ spec });
        continue;
      }
      options.push({ spec, value: takeValue(inline, `--${name}`) });
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const letter = arg[1]!;
      const spec = findShortOption(letter);
      if (!spec) {
        warnings.push(`ignoring unknown option -${letter}`);
        continue;
      }
      if (!spec.takesValue) {
        if (arg.length > 2) warnings.push(`ignoring trailing characters in ${arg}`);
        options.push({ spec });
        continue;
      }
      options.push({ spec, value: takeValue(arg.length > 2 ? arg.slice(2) : undefined, `-${letter}`) });
      continue;
    }
    warnings.push(`ignoring non-option argument "${arg}"`);
  }
  return { options, warnings };
}
