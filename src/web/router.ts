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

/** The first screen of each role. */
export function homeOf(role: Role): string {
  return role === 'clerk' ? '/inbox' : '/admin/log';
}
