// What every use case needs, passed in (no module-level state): the stores, a clock (tests pin
// it), and extra intermediate certificates for path building (the chain a signer's CMS omits).
import type { Stores } from '../db/ports.js';

export interface ExchangeDeps {
  stores: Stores;
  clock: () => Date;
  /** verification extras */
  intermediates?: Uint8Array[];
}
