// Everything under /api/v1, all behind the auth plugin registered by app.ts. One plugin per area;
// the PKI and PDF content-type parsers stay inside their plugins' own scopes. The text guard is
// registered first, so it runs for every route below.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import type { ExchangeDeps } from '../deps.js';
import { refuseUnstorableText } from '../text-guard.js';
import { adminAgencyRoutes } from './admin-agencies.js';
import { adminTrustRoutes } from './admin-trust.js';
import { adminUserRoutes } from './admin-users.js';
import { agencyRoutes } from './agencies.js';
import { documentRoutes } from './documents.js';
import { draftRoutes } from './drafts.js';
import { edxmlRoutes } from './edxml.js';
import { logRoutes } from './log.js';
import { mailboxRoutes } from './mailbox.js';
import { meRoutes } from './me.js';
import { receiptRoutes } from './receipts.js';
import { envCscAccess } from '../../csc/access.js';
import { remoteSigningRoutes } from './remote-signing.js';
import { registerRoutes } from './register.js';
import { sendRoutes } from './send.js';
import { sessionRoutes } from './session.js';
import { statisticsRoutes } from './statistics.js';
import { statusRoutes } from './status.js';
import { verifyRoutes } from './verify.js';

export const apiRoutes: FastifyPluginAsync<{ deps: ExchangeDeps; config: Config }> = async (api, { deps, config }) => {
  // Before any route's schema and handler: no string that a database cannot hold gets further.
  api.addHook('preValidation', refuseUnstorableText);
  await api.register(meRoutes, { deps });
  await api.register(sessionRoutes, { deps });
  await api.register(sendRoutes, { deps, uploadLimitBytes: config.uploadLimitBytes });
  await api.register(verifyRoutes, { deps, uploadLimitBytes: config.uploadLimitBytes });
  await api.register(mailboxRoutes, { deps });
  await api.register(documentRoutes, { deps });
  await api.register(statusRoutes, { deps });
  await api.register(receiptRoutes, { deps });
  await api.register(logRoutes, { deps });
  await api.register(registerRoutes, { deps });
  await api.register(statisticsRoutes, { deps });
  await api.register(agencyRoutes, { deps });
  await api.register(adminAgencyRoutes, { deps });
  await api.register(adminUserRoutes, { deps });
  await api.register(adminTrustRoutes, { deps });
  await api.register(draftRoutes, { deps, uploadLimitBytes: config.uploadLimitBytes, preparedSignatureTtlMinutes: config.preparedSignatureTtlMinutes });
  await api.register(edxmlRoutes, { deps, maxBytes: config.edxmlMaxBytes, uploadLimitBytes: config.uploadLimitBytes });
  // The provider's OAuth client secret is read from the variable the provider names (never stored).
  await api.register(remoteSigningRoutes, { deps, csc: envCscAccess(process.env, config.csc), preparedSignatureTtlMinutes: config.preparedSignatureTtlMinutes });
};
