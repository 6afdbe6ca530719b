// The CSC API shapes docaxis speaks (Cloud Signature Consortium API v2.0, and v1.0.4 as MySign-style
// services expose it). Differences handled (client.ts and test-server.ts): v1 sends `hash` and
// `PIN`/`OTP` fields where v2 sends `hashes` and `authData: [{id, value}]`, and v1 names the hash
// algorithm `hashAlgo` where v2 says `hashAlgorithmOID`; v1 has no asynchronous signHash (v2's
// `operationMode: "A"` with `response_uri`, and a poll by `responseID`).
import type { CscApiVersion } from '../db/ports-csc.js';

export type { CscApiVersion };

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaSha256: '1.2.840.113549.1.1.11',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecPublicKey: '1.2.840.10045.2.1',
} as const;

/** The CSC error body (both versions): `error` a short code, `error_description` a sentence. */
export interface CscErrorBody {
  error: string;
  error_description?: string;
}

export interface CscInfo {
  specs: string;
  name: string;
  authType: string[];
  methods: string[];
}

/** credentials/info, normalised over v1 and v2. */
export interface CscCredentialInfo {
  credentialId: string;
  /** DER, the signer's certificate first. */
  certificates: Uint8Array[];
  certificateStatus: string;
  keyAlgorithms: string[];
  keyStatus: string;
  keyLength: number | undefined;
  authMode: 'explicit' | 'implicit' | 'oauth2code';
  scal: '1' | '2';
  multisign: number;
  pin: boolean;
  otp: boolean;
}

export type SignHashResult = { kind: 'signed'; signatures: Uint8Array[] } | { kind: 'pending'; responseId: string };

export type PollResult = { kind: 'signed'; signatures: Uint8Array[] } | { kind: 'pending' } | { kind: 'rejected' } | { kind: 'expired' };
