// Boot: restore the session (or show sign-in), draw the shell, then draw the screen the hash
// names whenever it changes.
import { ApiClient } from './api.js';
import { errorNotice } from './components/notice.js';
import { h, replace } from './dom.js';
import { currentLang, setLang } from './i18n.js';
import { renderSignIn } from './pages/sign-in.js';
import { currentPath, homeOf, match, mayOpen, navigate, type PageContext } from './router.js';
import { ROUTES } from './routes.js';
import { renderShell, tShell, type Shell } from './shell.js';
import { dropExpiredSession, forgetToken, resumeSession, storeToken, type Me } from './session.js';

interface Signed {
  api: ApiClient;
  me: Me;
  shell: Shell;
}

class App {
  private signed: Signed | null = null;
  /** Increments on every navigation: a slow page that finishes after the user moved on is dropped. */
  private generation = 0;

  constructor(private readonly root: HTMLElement) {
    window.addEventListener('hashchange', () => void this.draw());
  }

  async start(): Promise<void> {
    setLang(currentLang());
    // The HttpOnly session cookie, if any, decides; the answer carries the CSRF token.
    const { me, expired } = await resumeSession();
    if (!me?.csrfToken) return this.showSignIn(expired);
    this.enter(this.client(me.csrfToken), me);
  }

  private client(token: string): ApiClient {
    // A 401 from a call means the session this tab held ended (SESSION_EXPIRED, or UNAUTHENTICATED
    // once the browser dropped the cookie at its cap).
    return new ApiClient(token, () => this.expired());
  }

  /**
   * `expired`: say why the user is back at sign-in. The hash route is left as it is, so the
   * screen the user was on opens again once they sign in (enter() reads it).
   */
  private showSignIn(expired = false): void {
    this.signed = null;
    replace(
      this.root,
      renderSignIn(
        (token, me) => {
          storeToken(token);
          this.enter(this.client(token), me);
        },
        () => this.showSignIn(),
        { expired },
      ),
    );
    document.title = tShell('app');
    this.root.querySelector('input')?.focus();
  }

  private enter(api: ApiClient, me: Me): void {
    const shell = renderShell(me, { signOut: () => this.signOut(), relabel: () => this.enter(api, me) });
    this.signed = { api, me, shell };
    replace(this.root, shell.root);
    const path = currentPath();
    // The screen the hash names (kept from before an expired session), if this user may open it.
    const m = match(ROUTES, path);
    if (path === '/' || !m || !mayOpen(m.route, me)) navigate(homeOf(me));
    void this.draw();
  }

  private signOut(): void {
    forgetToken();
    history.replaceState(null, '', location.pathname);
    this.showSignIn();
  }

  /** The session ended under the user: back to sign-in with the reason, the hash route kept. */
  private expired(): void {
    // Several calls of one screen may fail together: the first one decides.
    if (!this.signed) return;
    this.generation++;
    dropExpiredSession();
    this.showSignIn(true);
  }

  private async draw(): Promise<void> {
    const s = this.signed;
    if (!s) return;
    const gen = ++this.generation;
    const path = currentPath();
    s.shell.setActive(path.split('?')[0] ?? path);
    const m = match(ROUTES, path);
    if (!m) return this.show(gen, s, h('p', { class: 'notice notice-warn' }, tShell('notFound')));
    if (!mayOpen(m.route, s.me)) return this.show(gen, s, h('div', { class: 'notice notice-error', role: 'alert', 'data-testid': 'forbidden' }, tShell('forbidden')));
    replace(s.shell.main, h('p', { class: 'loading', 'aria-busy': 'true' }, tShell('loading')));
    const ctx: PageContext = {
      api: s.api,
      me: s.me,
      params: m.params,
      query: m.query,
      navigate,
      setTitle: (title) => (document.title = `${title} — ${tShell('app')}`),
    };
    try {
      const page = await m.route.load();
      const node = await page.default(ctx);
      this.show(gen, s, node);
    } catch (e) {
      this.show(gen, s, errorNotice(e));
    }
  }

  private show(gen: number, s: Signed, node: Node): void {
    if (gen !== this.generation) return;
    replace(s.shell.main, node);
    s.shell.main.focus({ preventScroll: true });
  }
}

const root = document.getElementById('app');
if (root) void new App(root).start();
