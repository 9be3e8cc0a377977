/** The pseudo-codec that asks for media to bypass RTPEngine. */
export const DIRECT_CODEC = 'DIRECT';

const isDirectName = (c: string) => c.toUpperCase() === DIRECT_CODEC;

/**
 * Direct media applies when both sides list `DIRECT`, wherever it appears in
 * the list (docs/contract.md §4.2 and §6.3: the original missed it in first place).
 */
export function isDirectMedia(callerCodecs: readonly string[] | undefined, destCodecs: readonly string[] | undefined): boolean {
  return (callerCodecs ?? []).some(isDirectName) && (destCodecs ?? []).some(isDirectName);
}

/** The codec list without the `DIRECT` pseudo-codec. */
export function withoutDirect(codecs: readonly string[] | undefined): string[] {
  return (codecs ?? []).filter((c) => !isDirectName(c));
}
