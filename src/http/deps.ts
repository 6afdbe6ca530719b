// The use cases' dependencies, as the exchange layer defines them.
export type { ExchangeDeps } from '../exchange/deps.js';
