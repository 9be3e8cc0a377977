import { createError } from '../errors/create-error.js';

/** A CIDR block (config `inbound` list, ACL) cannot be parsed. */
export const PBX_ERR_CIDR_INVALID = createError<[input: string, why: string, cause?: Error]>(
  'PBX_ERR_CIDR_INVALID',
  'invalid CIDR "%s": %s',
  400,
);

/** An IP address (e.g. a message source) cannot be parsed. */
export const PBX_ERR_IP_INVALID = createError<[input: string, why: string]>(
  'PBX_ERR_IP_INVALID',
  'invalid IP address "%s": %s',
  400,
);
