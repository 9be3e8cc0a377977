import { createError } from '@dragonpbx/shared/contracts';

/** The admin stream carried something that is not `<digits>#<payload>`; the connection is closed. */
export const PBX_ERR_DRACHTIO_FRAMING = createError<[string]>(
  'PBX_ERR_DRACHTIO_FRAMING',
  'malformed drachtio frame: %s',
  400,
);

/** A frame whose leader cannot be interpreted (too few tokens, unknown type). */
export const PBX_ERR_DRACHTIO_FRAME_INVALID = createError<[string]>(
  'PBX_ERR_DRACHTIO_FRAME_INVALID',
  'invalid drachtio frame: %s',
  400,
);

/** A connection did not authenticate within the deadline; it is closed. */
export const PBX_ERR_DRACHTIO_AUTH_TIMEOUT = createError<[number]>(
  'PBX_ERR_DRACHTIO_AUTH_TIMEOUT',
  'no authenticate frame within %d ms; connection closed',
  408,
);
