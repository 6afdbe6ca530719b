// The frame around every screen: who is signed in (name, agency, role) at all times, the
// navigation of their role, the language switch and sign-out.
import { h } from './dom.js';
import { currentLang, defineMessages, setLang } from './i18n.js';
import { levelLabel, roleLabel } from './labels.js';
import { startLive } from './live.js';
import { rolesOf } from './router.js';
import type { Me, Role } from './session.js';

export const tShell = defineMessages({
  vi: {
    app: 'Trục liên thông văn bản',
    skip: 'Bỏ qua, tới nội dung chính',
    inbox: 'Văn bản đến',
    outbox: 'Văn bản đi',
    send: 'Gửi văn bản',
    verify: 'Kiểm tra chữ ký',
    log: 'Nhật ký trao đổi',
    statistics: 'Thống kê',
    agencies: 'Cơ quan',
    users: 'Người dùng',
    trust: 'Chứng thư & CRL',
    drafts: 'Dự thảo',
    waiting: 'Chờ ký',
    seal: 'Vào sổ & gửi',
    register: 'Sổ văn bản đi',
    signOut: 'Đăng xuất',
    account: 'Tài khoản',
    language: 'English',
    languageLabel: 'Switch to English',
    nav: 'Điều hướng chính',
    forbidden: 'Vai trò của bạn không được truy cập trang này.',
    notFound: 'Không tìm thấy trang.',
    loading: 'Đang tải…',
  },
  en: {
    app: 'Document exchange axis',
    skip: 'Skip to main content',
    inbox: 'Inbox',
    outbox: 'Sent',
    send: 'Send a document',
    verify: 'Verify a PDF',
    log: 'Exchange log',
    statistics: 'Statistics',
    agencies: 'Agencies',
    users: 'Users',
    trust: 'Certificates & CRLs',
    drafts: 'Drafts',
    waiting: 'To sign',
    seal: 'Register & send',
    register: 'Outgoing register',
    signOut: 'Sign out',
    account: 'Account',
    language: 'Tiếng Việt',
    languageLabel: 'Chuyển sang tiếng Việt',
    nav: 'Main navigation',
    forbidden: 'Your role may not open this page.',
    notFound: 'Page not found.',
    loading: 'Loading…',
  },
});

type NavKey = 'inbox' | 'outbox' | 'send' | 'verify' | 'log' | 'statistics' | 'agencies' | 'users' | 'trust' | 'drafts' | 'waiting' | 'seal' | 'register';
const NAV: Array<{ key: NavKey; path: string; roles: Role[] }> = [
  { key: 'inbox', path: '/inbox', roles: ['clerk'] },
  { key: 'outbox', path: '/outbox', roles: ['clerk'] },
  { key: 'send', path: '/send', roles: ['clerk'] },
  { key: 'seal', path: '/drafts/signed', roles: ['clerk'] },
  // Admins and auditors may open #/register too (the API lets them read it); the menu item is the clerk's.
  { key: 'register', path: '/register', roles: ['clerk'] },
  { key: 'drafts', path: '/drafts', roles: ['drafter'] },
  { key: 'waiting', path: '/drafts/waiting', roles: ['signer'] },
  { key: 'log', path: '/admin/log', roles: ['admin', 'auditor'] },
  { key: 'statistics', path: '/admin/statistics', roles: ['admin', 'auditor'] },
  { key: 'agencies', path: '/admin/agencies', roles: ['admin'] },
  { key: 'users', path: '/admin/users', roles: ['admin'] },
  { key: 'trust', path: '/admin/trust', roles: ['admin'] },
  { key: 'verify', path: '/verify', roles: ['clerk', 'admin', 'auditor'] },
];

export interface Shell {
  root: HTMLElement;
  main: HTMLElement;
  /** Marks the nav link of the current path. */
  setActive(path: string): void;
}

export function renderShell(me: Me, actions: { signOut(): void; relabel(): void }): Shell {
  const held = rolesOf(me);
  const links = NAV.filter((n) => n.roles.some((r) => held.includes(r))).map((n) => ({ n, a: h('a', { href: `#${n.path}`, 'data-nav': n.key }, tShell(n.key)) }));
  const main = h('main', { id: 'main', tabindex: -1 });
  const langBtn = h('button', { type: 'button', class: 'link', 'aria-label': tShell('languageLabel'), lang: currentLang() === 'vi' ? 'en' : 'vi' }, tShell('language'));
  langBtn.addEventListener('click', () => {
    setLang(currentLang() === 'vi' ? 'en' : 'vi');
    actions.relabel();
  });
  const signOut = h('button', { type: 'button', class: 'link', 'data-action': 'sign-out' }, tShell('signOut'));
  signOut.addEventListener('click', actions.signOut);
  const root = h(
    'div',
    { class: 'shell' },
    h('a', { class: 'skip', href: '#main' }, tShell('skip')),
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '⇄'), tShell('app')),
      h(
        'div',
        { class: 'whoami', 'data-testid': 'whoami' },
        h('span', { class: 'who-name' }, me.user.name),
        h('span', { class: 'who-agency', title: me.agency.code }, `${me.agency.name} (${me.agency.code}, ${levelLabel(me.agency.level)})`),
        h('span', { class: `role role-${me.user.role}`, 'data-role': me.user.role }, held.map(roleLabel).join(', ')),
      ),
      h('div', { class: 'top-actions' }, h('a', { href: '#/account', class: 'link', 'data-action': 'account' }, tShell('account')), langBtn, signOut),
    ),
    h('nav', { class: 'sidenav', 'aria-label': tShell('nav') }, h('ul', {}, ...links.map(({ a }) => h('li', {}, a)))),
    main,
  );
  startLive(root, me);
  // The skip link must move focus without changing the hash route.
  root.querySelector('.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    main.focus();
  });
  return {
    root,
    main,
    setActive(path) {
      // The most specific link wins (/drafts/waiting is not also /drafts).
      const best = links.filter(({ n }) => path === n.path || path.startsWith(n.path + '/') || path.startsWith(n.path + '?')).sort((x, y) => y.n.path.length - x.n.path.length)[0];
      for (const { n, a } of links) {
        if (best?.n === n) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}
