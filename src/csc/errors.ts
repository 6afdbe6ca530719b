// Every provider answer that is not a success becomes ONE catalogue code (src/errors.ts), whatever
// the provider's own words. CSC error bodies are {error, error_description}; services differ in the
// `error` they pick for the same thing, so the description is read too.
import { DocaxisError, type ErrorCode } from '../errors.js';
import type { CscErrorBody } from './types.js';

export function providerError(status: number, body: unknown, endpoint: string): DocaxisError {
  const { error = '', error_description: description = '' } = (typeof body === 'object' && body !== null ? body : {}) as Partial<CscErrorBody>;
  const code = codeFor(status, String(error), String(description));
  // The provider's words go to details (for the admin and the logs), never a token or a SAD: the
  // provider never echoes them, and we never put request bodies here.
  return new DocaxisError(code, undefined, { details: { endpoint, providerStatus: status, providerError: String(error).slice(0, 100), providerDescription: String(description).slice(0, 300) } });
}

function codeFor(status: number, error: string, description: string): ErrorCode {
  const e = error.toLowerCase();
  const d = description.toLowerCase();
  if (status >= 500) return status === 502 || status === 503 || status === 504 ? 'CSC_PROVIDER_UNAVAILABLE' : 'CSC_PROVIDER_ERROR';
  if (e === 'invalid_otp' || /\botp\b/.test(d)) return 'CSC_INVALID_OTP';
  if (e === 'invalid_pin' || /\bpin\b/.test(d)) return 'CSC_INVALID_PIN';
  if (/\bsad\b/.test(d) || e === 'invalid_sad' || e === 'expired_sad') return 'CSC_SAD_EXPIRED';
  if (/credentialid/.test(d) || e === 'invalid_credential' || e === 'credential_not_found') return 'CSC_CREDENTIAL_NOT_FOUND';
  if (/disabled|suspended|revoked|locked/.test(d)) return 'CSC_CREDENTIAL_DISABLED';
  if (e === 'access_denied' || /rejected|refused by the user/.test(d)) return 'CSC_SIGNATURE_REJECTED';
  if (e === 'expired_request' || /responseid.*expired|request.*expired/.test(d)) return 'CSC_SIGNATURE_PENDING_EXPIRED';
  if (status === 401 || e === 'invalid_client' || e === 'invalid_token' || e === 'unauthorized_client') return 'CSC_PROVIDER_AUTH_FAILED';
  return 'CSC_PROVIDER_ERROR';
}
