// Every screen, who may open it, and the module that draws it (loaded when first opened).
import type { RouteDef } from './router.js';

const CLERK = ['clerk'] as const;
const ADMIN = ['admin'] as const;
const REVIEW = ['admin', 'auditor'] as const;
const ANYONE = ['clerk', 'admin', 'auditor'] as const;
const DRAFTER = ['drafter'] as const;
const SIGNER = ['signer'] as const;
/** A draft's page: the service decides which drafts each of them may see. */
const DRAFT_READERS = ['drafter', 'signer', 'clerk', 'admin', 'auditor'] as const;

export const ROUTES: readonly RouteDef[] = [
  { path: '/inbox', roles: CLERK, load: () => import('./pages/inbox.js') },
  { path: '/outbox', roles: CLERK, load: () => import('./pages/outbox.js') },
  { path: '/send', roles: CLERK, load: () => import('./pages/send.js') },
  { path: '/documents/:id', roles: CLERK, load: () => import('./pages/document.js') },
  // Before /drafts/:id: the first match wins.
  { path: '/drafts', roles: DRAFTER, load: () => import('./pages/drafts.js') },
  { path: '/drafts/new', roles: DRAFTER, load: () => import('./pages/draft-new.js') },
  { path: '/drafts/waiting', roles: SIGNER, load: () => import('./pages/drafts.js') },
  { path: '/drafts/signed', roles: CLERK, load: () => import('./pages/drafts.js') },
  { path: '/drafts/:id', roles: DRAFT_READERS, load: () => import('./pages/draft.js') },
  { path: '/register', roles: ANYONE, load: () => import('./pages/register.js') },
  { path: '/verify', roles: ANYONE, load: () => import('./pages/verify.js') },
  { path: '/account', roles: ANYONE, load: () => import('./pages/account.js') },
  { path: '/admin/log', roles: REVIEW, load: () => import('./pages/admin-log.js') },
  { path: '/admin/statistics', roles: REVIEW, load: () => import('./pages/admin-statistics.js') },
  { path: '/admin/agencies', roles: ADMIN, load: () => import('./pages/admin-agencies.js') },
  { path: '/admin/users', roles: ADMIN, load: () => import('./pages/admin-users.js') },
  { path: '/admin/trust', roles: ADMIN, load: () => import('./pages/admin-trust.js') },
];
