// Admin use cases (admin role; every change logged 'admin.*' in its own transaction), grouped by
// subject in admin-agencies.ts, admin-users.ts and admin-pki.ts.
export { createAgency, listAgencies, setAgencyActive } from './admin-agencies.js';
export { createUser, issueToken, listUserTokens, listUsers, revokeToken } from './admin-users.js';
export { addAgencyCertificate, addCrl, addTrustAnchor, listAgencyCertificates, listCrls, listTrustAnchors } from './admin-pki.js';
