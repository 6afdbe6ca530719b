// Every object identifier docaxis uses, named once (PKI.js keeps the same discipline).
// Add new ones here rather than spelling dotted strings elsewhere.

export const OID = {
  // CMS content types (RFC 5652)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',

  // CMS attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12', // ESS v1 (SHA-1)
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47', // RFC 5035
  timeStampToken: '1.2.840.113549.1.9.16.2.14', // unsigned attribute, RFC 3161 appendix A
  adbeRevocationInfoArchival: '1.2.840.113583.1.1.8',
  certValues: '1.2.840.113549.1.9.16.2.23', // CAdES unsigned attribute (ETSI EN 319 122-1)
  revocationValues: '1.2.840.113549.1.9.16.2.24', // CAdES unsigned attribute (ETSI EN 319 122-1)

  // Digest algorithms
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',

  // Signature / key algorithms
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA1: '1.2.840.10045.4.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',

  // Certificate extensions
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  cRLNumber: '2.5.29.20',
  cRLReason: '2.5.29.21',
  cRLDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  nameConstraints: '2.5.29.30',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',

  // CRL and CRL-entry extensions (RFC 5280 §5.2, §5.3)
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  certificateIssuer: '2.5.29.29',
  invalidityDate: '2.5.29.24',
  freshestCRL: '2.5.29.46',

  // Extended key usages
  ekuTimeStamping: '1.3.6.1.5.5.7.3.8',
  ekuEmailProtection: '1.3.6.1.5.5.7.3.4',
  ekuDocumentSigning: '1.3.6.1.4.1.311.10.3.12',
  ekuOcspSigning: '1.3.6.1.5.5.7.3.9',

  // OCSP (RFC 6960)
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspCrlId: '1.3.6.1.5.5.7.48.1.3',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspArchiveCutoff: '1.3.6.1.5.5.7.48.1.6',
  ocspServiceLocator: '1.3.6.1.5.5.7.48.1.7',
  ocspExtendedRevoke: '1.3.6.1.5.5.7.48.1.9',

  // Distinguished-name attributes (the ones Vietnamese government certificates carry)
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  emailAddress: '1.2.840.113549.1.9.1',
  userId: '0.9.2342.19200300.100.1.1', // UID=MST:..., UID=MNS:..., UID=CCCD:...

  // Test-only policy OID for the fixture TSA (under the private example arc 1.3.6.1.4.1.55555)
  docaxisTestTsaPolicy: '1.3.6.1.4.1.55555.1.1',
} as const;

export type OidName = keyof typeof OID;

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

export const DIGEST_OID: Record<DigestAlgorithm, string> = {
  sha256: OID.sha256,
  sha384: OID.sha384,
  sha512: OID.sha512,
};

/** Digest name (node:crypto spelling) for an OID, including SHA-1 so that it can be reported. */
export function digestNameForOid(oid: string): 'sha1' | DigestAlgorithm | undefined {
  switch (oid) {
    case OID.sha1:
      return 'sha1';
    case OID.sha256:
      return 'sha256';
    case OID.sha384:
      return 'sha384';
    case OID.sha512:
      return 'sha512';
    default:
      return undefined;
  }
}
