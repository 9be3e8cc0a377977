import { createError } from '@dragonpbx/shared/contracts';

/** A command-line option, environment variable or config-file value that cannot be used. */
export const PBX_ERR_SIP_CLI_INVALID = createError<[string, string]>(
  'PBX_ERR_SIP_CLI_INVALID',
  'invalid %s: %s',
  500,
);

/** The configuration file cannot be read or is not well-formed XML. */
export const PBX_ERR_SIP_CONFIG_FILE = createError<[string, string]>(
  'PBX_ERR_SIP_CONFIG_FILE',
  'cannot use configuration file %s: %s',
  500,
);
