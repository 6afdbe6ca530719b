// Remote signing through a Cloud Signature Consortium service: the providers an admin configures,
// the credentials signers bind, and the remote signatures in flight. Kept in the database so a
// pending signature (waiting for an OTP or for the signer's phone) survives a restart.

export const CSC_API_VERSIONS = ['v1', 'v2'] as const;
export type CscApiVersion = (typeof CSC_API_VERSIONS)[number];

export interface CscProvider {
  id: string;
  name: string;
  /** The CSC base URL, e.g. https://rssp.example/csc/v2 (endpoints are appended: /info, /credentials/list). */
  baseUrl: string;
  apiVersion: CscApiVersion;
  oauthTokenUrl: string;
  clientId: string;
  /** The NAME of the environment variable holding the OAuth client secret: the secret is never stored. */
  clientSecretEnv: string;
  /** The agencies whose users may use it. */
  agencyIds: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** explicit: PIN and/or OTP entered in our page; implicit: the signer confirms on the provider's app. */
export const CSC_AUTH_MODES = ['explicit', 'implicit'] as const;
export type CscAuthMode = (typeof CSC_AUTH_MODES)[number];

export interface CscCredentialBinding {
  id: string;
  userId: string;
  providerId: string;
  /** The provider's credentialID. */
  credentialId: string;
  certificateSha256: string;
  /** Signer's certificate then chain, DER (as the provider gave them at link time). */
  certificates: Uint8Array[];
  keyAlgorithm: 'rsa' | 'ec';
  authMode: CscAuthMode;
  scal: '1' | '2';
  subject: string;
  createdAt: Date;
}

export const CSC_PENDING_STATUSES = ['awaiting-otp', 'awaiting-confirmation', 'completed', 'failed', 'expired'] as const;
export type CscPendingStatus = (typeof CSC_PENDING_STATUSES)[number];

export interface CscPending {
  id: string;
  draftId: string;
  userId: string;
  /** csc_credentials.id */
  credentialRef: string;
  preparedId: string;
  /** Base64 SHA-256 of the prepared signed attributes: the only hash ever sent for this signature. */
  digest: string;
  status: CscPendingStatus;
  /** The provider's responseID of an asynchronous signHash. */
  transactionId: string | null;
  /** Hex SHA-256 of the per-transaction callback secret (the secret itself only travels in the callback URL). */
  callbackSecretSha256: string | null;
  errorCode: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface CscStore {
  insertProvider(p: Omit<CscProvider, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<CscProvider>;
  updateProvider(id: string, to: Partial<Omit<CscProvider, 'id' | 'createdAt' | 'updatedAt'>>, at: Date): Promise<CscProvider | undefined>;
  providerById(id: string): Promise<CscProvider | undefined>;
  providers(): Promise<CscProvider[]>;
  insertCredential(c: Omit<CscCredentialBinding, 'id' | 'createdAt'>, at: Date): Promise<CscCredentialBinding>;
  credentialById(id: string): Promise<CscCredentialBinding | undefined>;
  credentialsOf(userId: string): Promise<CscCredentialBinding[]>;
  insertPending(p: Omit<CscPending, 'id' | 'createdAt' | 'updatedAt'>, at: Date): Promise<CscPending>;
  pendingById(id: string): Promise<CscPending | undefined>;
  /** Compare-and-set on status: false when another hand moved it first. */
  updatePending(id: string, from: CscPendingStatus, to: Partial<Pick<CscPending, 'status' | 'transactionId' | 'callbackSecretSha256' | 'errorCode'>>, at: Date): Promise<boolean>;
  /** Pending signatures waiting for the provider (for the poller after a restart). */
  awaitingConfirmation(): Promise<CscPending[]>;
}
