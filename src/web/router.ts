// Hash routes (#/inbox, #/documents/<id>): the server serves one page, and a reload or a shared
// link lands on the same screen. A route names the roles that may open it; others see a refusal
// (the API refuses them too; this only spares them a screen of errors).
import type { ApiClient } from './api.js';
import type { Me, Role } from './session.js';

export interface PageContext {
  api: ApiClient;
  me: Me;
  params: Record<string, string>;
  query: URLSearchParams;
  navigate(path: string): void;
  /** Sets the document title and the page heading's text for screen readers. */
  setTitle(title: string): void;
}

export type PageRender = (ctx: PageContext) => Promise<Node> | Node;

export interface RouteDef {
  path: string;
  roles: readonly Role[];
  load: () => Promise<{ default: PageRender }>;
}

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
  query: URLSearchParams;
}

export function currentPath(): string {
  const hash = location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/';
}

export function match(routes: readonly RouteDef[], fullPath: string): Match | null {
  const [path = '/', qs = ''] = fullPath.split('?', 2);
  for (const route of routes) {
    const names: string[] = [];
    const pattern = new RegExp('^' + route.path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)')) + '/?$');
    const m = pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
    return { route, params, query: new URLSearchParams(qs) };
  }
  return null;
}

export function navigate(path: string): void {
  location.hash = '#' + path;
}

/** Every role the user holds (a user may hold several; older servers give only `role`). */
export function rolesOf(me: Me): readonly Role[] {
  return me.user.roles && me.user.roles.length > 0 ? me.user.roles : [me.user.role];
}

/** A route opens for a user holding any of its roles. */
export function mayOpen(route: RouteDef, me: Me): boolean {
  const held = rolesOf(me);
  return route.roles.some((r) => held.includes(r));
}

/** The first screen of a user: the clerk's inbox, the signer's waiting drafts, the drafter's drafts, else the log. */
export function homeOf(me: Me): string {
  const held = rolesOf(me);
  if (held.includes('clerk')) return '/inbox';
  if (held.includes('signer')) return '/drafts/waiting';
  if (held.includes('drafter')) return '/drafts';
  return '/admin/log';
}
