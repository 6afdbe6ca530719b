// One CscClient per provider (its token cache lives as long as the app), the secret read from the
// environment variable the provider names, at the moment a client is made: never stored, never in
// the Config. A provider changed by an admin gets a new client.
import { DocaxisError } from '../errors.js';
import type { CscProvider } from '../db/ports-csc.js';
import type { CscAccess } from '../exchange/remote-signing.js';
import { CscClient } from './client.js';

export function envCscAccess(env: Record<string, string | undefined>, opts: { timeoutMs: number; callbackBaseUrl: string | undefined }): CscAccess {
  const clients = new Map<string, { version: number; client: CscClient }>();
  return {
    ...(opts.callbackBaseUrl ? { callbackBaseUrl: opts.callbackBaseUrl } : {}),
    clientFor(provider: CscProvider): CscClient {
      const cached = clients.get(provider.id);
      if (cached && cached.version === provider.updatedAt.getTime()) return cached.client;
      const clientSecret = env[provider.clientSecretEnv];
      if (!clientSecret) throw new DocaxisError('CSC_PROVIDER_INVALID', `the environment variable ${provider.clientSecretEnv} (the OAuth client secret) is not set`);
      const client = new CscClient({ baseUrl: provider.baseUrl, apiVersion: provider.apiVersion, tokenUrl: provider.oauthTokenUrl, clientId: provider.clientId, clientSecret, timeoutMs: opts.timeoutMs });
      clients.set(provider.id, { version: provider.updatedAt.getTime(), client });
      return client;
    },
  };
}
