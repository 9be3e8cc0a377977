import type { Dialog } from '@dragonpbx/shared/srf';

/** Both legs of an answered connect, ready to bridge. */
export interface JoinedLegs {
  /** The caller's dialog (we answered it). */
  readonly a: Dialog;
  /** The winning leg's dialog. */
  readonly b: Dialog;
  /** True when B already hung up while the caller was being answered. */
  bGone(): boolean;
}

/** Watches `b` for a BYE from now on. */
export function watchGone(b: Dialog): () => boolean {
  // drachtio-srf resolves createUAC on the 200 and then dispatches the rest of the read: a BYE
  // in that read has already destroyed the dialog, before anyone listened for 'destroy'.
  let gone = b.connected === false;
  b.once('destroy', () => {
    gone = true;
  });
  return () => gone;
}
