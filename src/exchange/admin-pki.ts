// Certificates bound to agencies (their seals), trust anchors and CRLs. Input is PEM or DER as a
// CA or token tool exported it. Adding what is already there is a no-op, not a duplicate row.
import { DocaxisError } from '../errors.js';
import type { AgencyCertificate, Principal, StoredCrl, TrustAnchor } from '../db/ports.js';
import { describeCertificate, type CertificateInfo } from '../pki/certificate.js';
import { readCertificates, readCrls } from '../pki/pem.js';
import { parseCrl } from '../pki/revocation.js';
import { adminChange, invalidField } from './admin-change.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';

/**
 * Binds one end-entity certificate to an agency: the certificate its clerks seal with. Refused:
 * a CA certificate, a bundle with several end-entity certificates, a certificate whose subject
 * names another agency (UID=MCQ:), and one already bound to another agency (a seal must identify
 * exactly one sender).
 */
export async function addAgencyCertificate(deps: ExchangeDeps, p: Principal, agencyCode: string, pemOrDer: Uint8Array): Promise<AgencyCertificate> {
  await ensureRole(deps, p, 'add agency certificate', 'admin');
  const agency = await deps.stores.agencies.byCode(agencyCode);
  if (!agency) return notFound(deps, p, `add certificate to agency ${agencyCode}`);
  const endEntities = readCertificates(pemOrDer).map(describeCertificate).filter((c) => !c.isCA);
  if (endEntities.length !== 1) throw invalidField('certificate', `expected one end-entity certificate, found ${endEntities.length}`);
  const cert = endEntities[0]!;
  if (cert.agencyCode !== undefined && cert.agencyCode !== agency.code) throw invalidField('certificate', `the certificate names agency ${cert.agencyCode}`);

  const agencies = await deps.stores.agencies.list();
  for (const a of agencies) {
    const same = (await deps.stores.certificates.listForAgency(a.id, false)).find((c) => c.fingerprintSha256 === cert.fingerprintSha256);
    if (same && a.id === agency.id) return same;
    if (same) throw invalidField('certificate', `already bound to agency ${a.code}`);
  }
  return adminChange(deps, p, 'admin.certificate', async (tx) => {
    const row = await tx.certificates.insert({ agencyId: agency.id, der: cert.der, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text, notBefore: cert.notBefore, notAfter: cert.notAfter });
    return { result: row, agencyId: agency.id, details: { action: 'add', agencyCode: agency.code, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text, notAfter: cert.notAfter.toISOString() } };
  });
}

/** Every CA certificate of the input becomes an anchor (an end-entity certificate is refused). */
export async function addTrustAnchor(deps: ExchangeDeps, p: Principal, pemOrDer: Uint8Array): Promise<TrustAnchor[]> {
  await ensureRole(deps, p, 'add trust anchor', 'admin');
  const certs = readCertificates(pemOrDer).map(describeCertificate);
  const notCa = certs.find((c) => !c.isCA);
  if (notCa) throw invalidField('certificate', `${notCa.subject.text} is not a CA certificate`);
  const existing = await deps.stores.trust.anchors(false);
  const out: TrustAnchor[] = [];
  for (const cert of certs) {
    const known = existing.find((a) => a.fingerprintSha256 === cert.fingerprintSha256) ?? out.find((a) => a.fingerprintSha256 === cert.fingerprintSha256);
    out.push(known ?? (await addAnchor(deps, p, cert)));
  }
  return out;
}

function addAnchor(deps: ExchangeDeps, p: Principal, cert: CertificateInfo): Promise<TrustAnchor> {
  return adminChange(deps, p, 'admin.trust-anchor', async (tx) => {
    const row = await tx.trust.addAnchor({ der: cert.der, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text });
    return { result: row, agencyId: null, details: { action: 'add', fingerprintSha256: cert.fingerprintSha256, subject: cert.subject.text } };
  });
}

/** CRLs are stored as given; their signatures are checked when a verification uses them. */
export async function addCrl(deps: ExchangeDeps, p: Principal, pemOrDer: Uint8Array): Promise<StoredCrl[]> {
  await ensureRole(deps, p, 'add CRL', 'admin');
  const parsed = readCrls(pemOrDer).map(parseCrl);
  if (parsed.length === 0) throw new DocaxisError('CRL_MALFORMED', 'no CRL in the input');
  const existing = await deps.stores.trust.crls();
  const out: StoredCrl[] = [];
  for (const crl of parsed) {
    const known = [...existing, ...out].find((c) => Buffer.from(c.der).equals(crl.der));
    if (known) {
      out.push(known);
      continue;
    }
    out.push(
      await adminChange(deps, p, 'admin.crl', async (tx) => {
        const row = await tx.trust.addCrl({ der: crl.der, issuer: crl.issuerText, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate ?? null });
        return { result: row, agencyId: null, details: { action: 'add', issuer: crl.issuerText, thisUpdate: crl.thisUpdate.toISOString(), crlNumber: crl.crlNumber ?? null, revoked: crl.revoked.size } };
      }),
    );
  }
  return out;
}

export async function listTrustAnchors(deps: ExchangeDeps, p: Principal): Promise<TrustAnchor[]> {
  await ensureRole(deps, p, 'list trust anchors', 'admin');
  return deps.stores.trust.anchors(false);
}

/** The CRLs verification consults (their DER stays in the store; the listing is for the management page). */
export async function listCrls(deps: ExchangeDeps, p: Principal): Promise<StoredCrl[]> {
  await ensureRole(deps, p, 'list CRLs', 'admin');
  return deps.stores.trust.crls();
}

/** Every certificate bound to the agency, active or retired: the seals a send is checked against. */
export async function listAgencyCertificates(deps: ExchangeDeps, p: Principal, agencyCode: string): Promise<AgencyCertificate[]> {
  await ensureRole(deps, p, 'list agency certificates', 'admin');
  const agency = await deps.stores.agencies.byCode(agencyCode);
  if (!agency) return notFound(deps, p, `list certificates of agency ${agencyCode}`);
  return deps.stores.certificates.listForAgency(agency.id, false);
}
