/** What an accepted authentication grants the registering client (from the RegHook or the static client entry). */
export interface RegistrationGrant {
  /** The digest username that authenticated. */
  readonly username: string;
  /** Expiry the RegHook or client entry asks for; clamped later. */
  readonly expires?: number;
  readonly dialplan?: Readonly<Record<string, unknown>>;
  readonly codecs: readonly string[];
  readonly maxClients: number;
}

/** The result of authenticating a REGISTER: either a grant or a (re-)challenge. */
export type AuthResult =
  | { readonly kind: 'granted'; readonly grant: RegistrationGrant }
  | { readonly kind: 'challenge'; readonly stale: boolean };
