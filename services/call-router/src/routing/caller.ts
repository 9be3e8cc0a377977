import type { ClientConfig, TrunkConfig } from '@dragonpbx/shared/contracts';

/** How a trunk call was recognised (docs/contract.md §1.2 steps 3–4). */
export type TrunkMatch = 'cidr' | 'regid' | 'digest';

/** Who placed the call, once the chain has authenticated it. */
export type Caller =
  | { readonly kind: 'trunk'; readonly trunk: TrunkConfig; readonly matchedBy: TrunkMatch }
  | { readonly kind: 'client'; readonly username: string; readonly client: ClientConfig };
