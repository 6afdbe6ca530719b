// Classified documents (Mật, Tối mật, Tuyệt mật) may only travel on the cơ yếu channel (Law on
// Protection of State Secrets 2018). The refusal is logged with the sender, the number/notation
// and the level only, and it happens before the file is read (see classificationOf).
import { DocaxisError } from '../errors.js';
import type { Classification, Principal } from '../db/ports.js';
import type { ExchangeDeps } from './deps.js';
import { codeOf, logSendRefused } from './refusal-log.js';

export async function refuseClassified(deps: ExchangeDeps, p: Principal, raw: unknown, level: Classification): Promise<never> {
  await logSendRefused(deps, p, { ...codeOf(raw), level });
  throw new DocaxisError('CLASSIFIED_REFUSED', undefined, { details: { level } });
}
