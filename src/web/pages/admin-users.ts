// Users (admin): the people who act for each agency (clerks, admins, auditors) and their bearer
// tokens. A new token's secret is shown once, in a marked box with a copy button: the service
// keeps only its hash and can never show it again. Revoking a token is confirmed first.
import { confirmDialog } from '../components/dialog.js';
import { errorNotice, notice } from '../components/notice.js';
import { fieldErrorsOf } from '../api.js';
import { field, h, replace, showFieldError, tableHead } from '../dom.js';
import { defineMessages, formatDateTime } from '../i18n.js';
import { ROLE, roleLabel } from '../labels.js';
import type { PageContext } from '../router.js';
import type { Agency } from '../types.js';

const t = defineMessages({
  vi: {
    title: 'Quản lý người dùng',
    intro: 'Người dùng thao tác thay mặt cơ quan trên trục liên thông và mã truy cập (token) của họ.',
    filterAgency: 'Cơ quan',
    allAgencies: 'Tất cả cơ quan',
    apply: 'Lọc',
    reset: 'Bỏ lọc',
    name: 'Họ và tên',
    agency: 'Cơ quan',
    role: 'Vai trò',
    state: 'Trạng thái',
    created: 'Ngày tạo',
    actions: 'Thao tác',
    active: 'Đang hoạt động',
    inactive: 'Ngừng hoạt động',
    empty: 'Không có người dùng nào.',
    count: '{n} người dùng',
    tokens: 'Mã truy cập',
    tokensOf: 'Mã truy cập của {name}',
    noTokens: 'Chưa có mã truy cập nào.',
    label: 'Nhãn',
    labelHint: 'Để nhận biết mã, ví dụ: “Máy văn thư phòng 201” hoặc “Phần mềm QLVB”.',
    labelRequired: 'Vui lòng nhập nhãn cho mã truy cập.',
    issue: 'Cấp mã truy cập mới',
    issued: 'Ngày cấp',
    revokedAt: 'Thu hồi lúc',
    tokenActive: 'Đang dùng',
    tokenRevoked: 'Đã thu hồi',
    revoke: 'Thu hồi',
    revokeTitle: 'Thu hồi mã truy cập “{label}”?',
    revokeBody: 'Mọi phần mềm hoặc người đang dùng mã này của {name} sẽ không truy cập được trục liên thông nữa. Không thể hoàn tác.',
    revoked: 'Đã thu hồi mã truy cập “{label}”.',
    secretTitle: 'Mã truy cập mới của {name}',
    secretWarning: 'Hãy sao chép và lưu mã này ngay. Mã chỉ hiển thị MỘT LẦN; sau khi đóng hộp này sẽ không xem lại được. Không gửi mã qua thư điện tử hay tin nhắn không mã hóa.',
    secretLabel: 'Mã truy cập (token)',
    copy: 'Sao chép',
    copied: 'Đã sao chép vào bộ nhớ tạm.',
    copyFailed: 'Không sao chép được; hãy chọn mã và sao chép thủ công.',
    dismiss: 'Tôi đã lưu mã, đóng lại',
    issuedOk: 'Đã cấp mã truy cập “{label}” cho {name}.',
    create: 'Thêm người dùng',
    nameRequired: 'Vui lòng nhập họ và tên.',
    agencyRequired: 'Vui lòng chọn cơ quan.',
    choose: '— Chọn —',
    submit: 'Thêm người dùng',
    createdOk: 'Đã thêm người dùng {name} ({role}). Hãy cấp mã truy cập cho người này.',
    username: 'Tên đăng nhập',
    usernameHint: 'Từ 3 đến 64 ký tự: chữ thường, chữ số, “.”, “_” hoặc “-”, ví dụ vanthu.12.h54. Liên kết đặt mật khẩu được tạo ngay.',
    account: 'Tài khoản đăng nhập',
    link: 'Tạo liên kết đặt mật khẩu',
    linkTitle: 'Liên kết đặt mật khẩu cho {username}',
    linkWarning: 'Hãy chuyển liên kết này cho người dùng ngay. Liên kết chỉ hiển thị MỘT LẦN, dùng được một lần và hết hạn lúc {expires}. Tạo liên kết mới sẽ vô hiệu các liên kết cũ.',
    linkLabel: 'Liên kết đặt mật khẩu',
    sessions: 'Phiên đăng nhập đang mở: {n}',
    endSessions: 'Kết thúc mọi phiên',
    endSessionsTitle: 'Kết thúc mọi phiên đăng nhập của {name}?',
    endSessionsBody: 'Mọi trình duyệt đang đăng nhập bằng tài khoản {name} sẽ bị đăng xuất ngay.',
    sessionsEnded: 'Đã kết thúc {n} phiên.',
    usernameCol: 'Tên đăng nhập',
    noUsername: 'chưa có',
    refreshSessions: 'Làm mới',
    refreshSessionsLabel: 'Làm mới số phiên đăng nhập của {name}',
  },
  en: {
    title: 'Users',
    intro: 'The people who act for each agency on the axis, and their access tokens.',
    filterAgency: 'Agency',
    allAgencies: 'All agencies',
    apply: 'Filter',
    reset: 'Clear',
    name: 'Full name',
    agency: 'Agency',
    role: 'Role',
    state: 'State',
    created: 'Created',
    actions: 'Actions',
    active: 'Active',
    inactive: 'Inactive',
    empty: 'No users.',
    count: '{n} user(s)',
    tokens: 'Tokens',
    tokensOf: 'Tokens of {name}',
    noTokens: 'No tokens yet.',
    label: 'Label',
    labelHint: 'To recognise the token, e.g. “Clerk PC room 201” or “Records software”.',
    labelRequired: 'Please enter a label for the token.',
    issue: 'Issue a new token',
    issued: 'Issued',
    revokedAt: 'Revoked at',
    tokenActive: 'Active',
    tokenRevoked: 'Revoked',
    revoke: 'Revoke',
    revokeTitle: 'Revoke the token “{label}”?',
    revokeBody: 'Any software or person using this token of {name} loses access to the axis. This cannot be undone.',
    revoked: 'Revoked the token “{label}”.',
    secretTitle: 'New token for {name}',
    secretWarning: 'Copy and store this token now. It is shown ONCE; once this box is closed it cannot be shown again. Do not send it by e-mail or unencrypted messages.',
    secretLabel: 'Access token',
    copy: 'Copy',
    copied: 'Copied to the clipboard.',
    copyFailed: 'Could not copy; select the token and copy it by hand.',
    dismiss: 'I have stored it, close',
    issuedOk: 'Issued the token “{label}” to {name}.',
    create: 'Add a user',
    nameRequired: 'Please enter the full name.',
    agencyRequired: 'Please choose an agency.',
    choose: '— Choose —',
    submit: 'Add user',
    createdOk: 'Added {name} ({role}). Issue them a token next.',
    username: 'Sign-in name',
    usernameHint: '3 to 64 lower-case letters, digits, “.”, “_” or “-”, e.g. vanthu.12.h54. A set-password link is made at once.',
    account: 'Sign-in account',
    link: 'Make a set-password link',
    linkTitle: 'Set-password link for {username}',
    linkWarning: 'Give this link to the user now. It is shown ONCE, works once and expires on {expires}. A new link ends the older ones.',
    linkLabel: 'Set-password link',
    sessions: 'Open sessions: {n}',
    endSessions: 'End all sessions',
    endSessionsTitle: 'End every session of {name}?',
    endSessionsBody: 'Every browser signed in as {name} is signed out at once.',
    sessionsEnded: 'Ended {n} session(s).',
    usernameCol: 'User name',
    noUsername: 'none yet',
    refreshSessions: 'Refresh',
    refreshSessionsLabel: 'Refresh the session count of {name}',
  },
});

interface User {
  id: string;
  agencyId: string;
  name: string;
  role: 'clerk' | 'admin' | 'auditor';
  active: boolean;
  createdAt: string;
  /** The sign-in name (null: none yet; such a user signs in with a token only). */
  username: string | null;
}

interface Token {
  id: string;
  userId: string;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

export default async function usersPage(ctx: PageContext): Promise<Node> {
  ctx.setTitle(t('title'));
  const q = ctx.query;
  const messages = h('div', { 'aria-live': 'polite' });
  let agencies: Agency[] = [];
  try {
    agencies = await ctx.api.get<Agency[]>('/admin/agencies');
  } catch (e) {
    replace(messages, errorNotice(e));
  }
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const sorted = [...agencies].sort((a, b) => a.code.localeCompare(b.code));
  const agencyOptions = (list: Agency[]) => list.map((a) => h('option', { value: a.code }, `${a.name} (${a.code})`));

  const filterSel = h('select', { name: 'agency' }, h('option', { value: '' }, t('allAgencies')), ...agencyOptions(sorted));
  filterSel.value = q.get('agency') ?? '';
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('apply'), 'data-testid': 'user-filters' },
    field(t('filterAgency'), filterSel).wrap,
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'filter-users' }, t('apply')), h('a', { class: 'button', href: '#/admin/users' }, t('reset'))),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`/admin/users${filterSel.value ? `?agency=${encodeURIComponent(filterSel.value)}` : ''}`);
  });

  const tbody = h('tbody');
  const summary = h('p', { class: 'muted' });
  const open = new Set<string>();
  let users: User[] = [];

  const reload = async () => {
    users = await ctx.api.get<User[]>('/admin/users', { agency: q.get('agency') ?? undefined });
    draw();
  };

  const draw = () => {
    summary.textContent = t('count', { n: users.length });
    if (!users.length) {
      replace(tbody, h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('empty'))));
      return;
    }
    const rows: HTMLElement[] = [];
    const list = [...users].sort((a, b) => (byId.get(a.agencyId)?.code ?? '').localeCompare(byId.get(b.agencyId)?.code ?? '') || a.name.localeCompare(b.name));
    for (const u of list) {
      const agency = byId.get(u.agencyId);
      const panelRow = h('tr', { class: 'token-row', hidden: !open.has(u.id), 'data-tokens-of': u.id });
      const panelCell = h('td', { colspan: 7 });
      panelRow.append(panelCell);
      const btn = h('button', { type: 'button', class: 'link', 'aria-expanded': String(open.has(u.id)), 'data-action': 'show-tokens' }, t('tokens'));
      btn.addEventListener('click', () => {
        const show = !open.has(u.id);
        if (show) open.add(u.id);
        else open.delete(u.id);
        panelRow.hidden = !show;
        btn.setAttribute('aria-expanded', String(show));
        if (show) void tokensPanel(u, panelCell);
      });
      if (open.has(u.id)) void tokensPanel(u, panelCell);
      rows.push(
        h(
          'tr',
          { 'data-user-id': u.id, 'data-role': u.role },
          h('td', {}, u.name),
          h('td', { 'data-username': u.username ?? '' }, u.username ? h('code', {}, u.username) : h('span', { class: 'muted' }, t('noUsername'))),
          h('td', {}, agency ? h('span', { title: agency.code }, agency.name) : h('code', {}, u.agencyId.slice(0, 8))),
          h('td', {}, h('span', { class: `role-pill role-pill-${u.role}` }, roleLabel(u.role))),
          h('td', { class: 'hide-narrow' }, h('span', { class: `state ${u.active ? 'state-on' : 'state-off'}` }, u.active ? t('active') : t('inactive'))),
          h('td', { class: 'hide-narrow' }, formatDateTime(u.createdAt)),
          h('td', {}, btn),
        ),
        panelRow,
      );
    }
    replace(tbody, ...rows);
  };

  const tokensPanel = async (user: User, cell: HTMLElement) => {
    const list = h('div', {}, h('p', { class: 'loading' }, '…'));
    const panelMessages = h('div', { 'aria-live': 'polite' });
    const secretSlot = h('div');
    const label = h('input', { type: 'text', maxlength: 100, autocomplete: 'off' });
    const fLabel = field(t('label'), label, { hint: t('labelHint') });
    const issueBtn = h('button', { type: 'submit', class: 'primary', 'data-action': 'issue-token' }, t('issue'));
    const form = h('form', { class: 'inline-form', novalidate: true, 'data-testid': 'token-issue' }, fLabel.wrap, h('div', { class: 'actions' }, issueBtn));

    const loadList = async () => {
      try {
        const tokens = await ctx.api.get<Token[]>(`/admin/users/${user.id}/tokens`);
        replace(list, tokensTable(tokens));
      } catch (e) {
        replace(list, errorNotice(e));
      }
    };
    const tokensTable = (tokens: Token[]): HTMLElement => {
      if (!tokens.length) return h('p', { class: 'muted' }, t('noTokens'));
      const sortedTokens = [...tokens].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt));
      return h(
        'table',
        { class: 'list compact', 'data-testid': 'token-table' },
        tableHead([t('label'), t('issued'), t('state'), t('actions')]),
        h(
          'tbody',
          {},
          ...sortedTokens.map((tok) => {
            const revoke = tok.revokedAt ? null : h('button', { type: 'button', class: 'danger', 'data-action': 'revoke-token' }, t('revoke'));
            revoke?.addEventListener('click', async () => {
              const ok = await confirmDialog({ title: t('revokeTitle', { label: tok.label }), body: t('revokeBody', { name: user.name }), confirmLabel: t('revoke'), danger: true });
              if (ok === null) return;
              revoke.disabled = true;
              try {
                await ctx.api.delete<null>(`/admin/tokens/${tok.id}`);
                replace(panelMessages, notice('ok', t('revoked', { label: tok.label })));
                await loadList();
              } catch (e) {
                revoke.disabled = false;
                replace(panelMessages, errorNotice(e));
              }
            });
            return h(
              'tr',
              { 'data-token-id': tok.id, 'data-revoked': String(tok.revokedAt !== null), class: tok.revokedAt ? 'token-revoked' : null },
              h('td', {}, tok.label),
              h('td', {}, formatDateTime(tok.createdAt)),
              h('td', {}, tok.revokedAt ? h('span', { class: 'state state-off' }, `${t('tokenRevoked')} ${formatDateTime(tok.revokedAt)}`) : h('span', { class: 'state state-on' }, t('tokenActive'))),
              h('td', {}, revoke),
            );
          }),
        ),
      );
    };

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      showFieldError(fLabel, null);
      const text = label.value.trim();
      if (!text) {
        showFieldError(fLabel, t('labelRequired'));
        label.focus();
        return;
      }
      issueBtn.disabled = true;
      try {
        const r = await ctx.api.post<{ token: Token; secret: string }>(`/admin/users/${user.id}/tokens`, { label: text });
        label.value = '';
        replace(panelMessages, notice('ok', t('issuedOk', { label: r.token.label, name: user.name })));
        replace(secretSlot, secretBox(user, r.secret, () => replace(secretSlot)));
        (secretSlot.querySelector('[data-testid="token-secret-value"]') as HTMLElement | null)?.focus();
        await loadList();
      } catch (err) {
        const msg = fieldErrorsOf(err).label;
        if (msg) showFieldError(fLabel, msg);
        replace(panelMessages, errorNotice(err));
      } finally {
        issueBtn.disabled = false;
      }
    });

    replace(
      cell,
      h(
        'section',
        { class: 'token-panel', 'aria-label': t('tokensOf', { name: user.name }), 'data-testid': 'user-tokens' },
        accountPanel(ctx, user),
        h('h3', {}, t('tokensOf', { name: user.name })),
        secretSlot,
        panelMessages,
        list,
        form,
      ),
    );
    await loadList();
  };

  // New user.
  const cAgency = h('select', { name: 'agencyCode' }, h('option', { value: '' }, t('choose')), ...agencyOptions(sorted.filter((a) => a.active)));
  cAgency.value = q.get('agency') ?? '';
  const cName = h('input', { type: 'text', name: 'name', maxlength: 255, autocomplete: 'off' });
  const cRole = h('select', { name: 'role' }, ...Object.keys(ROLE).map((r) => h('option', { value: r }, roleLabel(r))));
  const fAgency = field(t('agency'), cAgency);
  const fName = field(t('name'), cName);
  const fRole = field(t('role'), cRole);
  const cUsername = h('input', { type: 'text', name: 'username', maxlength: 64, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const fUsername = field(t('username'), cUsername, { hint: t('usernameHint') });
  const fields: Record<string, { error: HTMLElement; control: HTMLElement }> = { agencyCode: fAgency, name: fName, role: fRole, username: fUsername };
  const createdLink = h('div');
  const createMessages = h('div', { 'aria-live': 'polite' });
  const createBtn = h('button', { type: 'submit', class: 'primary', 'data-action': 'create-user' }, t('submit'));
  const createForm = h(
    'form',
    { class: 'admin-form', novalidate: true, 'data-testid': 'user-create', 'aria-labelledby': 'user-create-title' },
    h('h2', { id: 'user-create-title' }, t('create')),
    h('div', { class: 'form-grid' }, fAgency.wrap, fName.wrap, fRole.wrap, fUsername.wrap),
    createMessages,
    createdLink,
    h('div', { class: 'actions' }, createBtn),
  );
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) showFieldError(f, null);
    replace(createMessages);
    const name = cName.value.trim();
    let bad: HTMLElement | null = null;
    if (!cAgency.value) {
      showFieldError(fAgency, t('agencyRequired'));
      bad = cAgency;
    }
    if (!name) {
      showFieldError(fName, t('nameRequired'));
      bad ??= cName;
    }
    if (bad) {
      bad.focus();
      return;
    }
    createBtn.disabled = true;
    try {
      const username = cUsername.value.trim();
      const user = await ctx.api.post<User>('/admin/users', { agencyCode: cAgency.value, name, role: cRole.value, ...(username ? { username } : {}) });
      cName.value = '';
      cUsername.value = '';
      if (username) {
        const link = await ctx.api.post<IssuedLink>(`/admin/users/${user.id}/password-link`, {});
        replace(createdLink, linkBox(link, () => replace(createdLink)));
      }
      open.add(user.id);
      await reload();
      replace(createMessages, notice('ok', t('createdOk', { name: user.name, role: roleLabel(user.role) })));
    } catch (err) {
      for (const [path, msg] of Object.entries(fieldErrorsOf(err))) {
        const f = fields[path];
        if (f) showFieldError(f, msg);
      }
      replace(createMessages, errorNotice(err));
    } finally {
      createBtn.disabled = false;
    }
  });

  try {
    await reload();
  } catch (e) {
    replace(messages, errorNotice(e));
  }

  return h(
    'section',
    { 'aria-labelledby': 'users-title', 'data-testid': 'admin-users' },
    h('h1', { id: 'users-title' }, t('title')),
    h('p', { class: 'muted' }, t('intro')),
    filters,
    messages,
    summary,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list user-table', 'data-testid': 'user-table' },
        tableHead([t('name'), t('usernameCol'), t('agency'), t('role'), t('state'), t('created'), t('actions')], { hideNarrow: [4, 5] }),
        tbody,
      ),
    ),
    createForm,
  );
}

interface IssuedLink {
  username: string;
  token: string;
  expiresAt: string;
}

/** How often an open account panel re-reads the session count (users sign in and out meanwhile). */
const SESSION_COUNT_REFRESH_MS = 15_000;

/**
 * The sign-in account of a user: a new set-password link (shown once) and their open sessions.
 * The count is re-read after each action here, on the refresh button, when the tab comes back to
 * the front, and every few seconds while the panel is shown, so it never stays as first read.
 */
function accountPanel(ctx: PageContext, user: User): HTMLElement {
  const slot = h('div');
  const messages = h('div', { 'aria-live': 'polite' });
  const count = h('span', { 'data-testid': 'session-count' }, '…');
  const linkBtn = h('button', { type: 'button', 'data-action': 'password-link' }, t('link'));
  const endBtn = h('button', { type: 'button', class: 'danger', 'data-action': 'end-sessions' }, t('endSessions'));
  const refreshBtn = h('button', { type: 'button', class: 'link', 'data-action': 'refresh-sessions', 'aria-label': t('refreshSessionsLabel', { name: user.name }) }, t('refreshSessions'));
  let loading: Promise<void> | null = null;
  const loadCount = (): Promise<void> =>
    (loading ??= (async () => {
      try {
        const n = (await ctx.api.get<unknown[]>(`/admin/users/${user.id}/sessions`)).length;
        count.textContent = t('sessions', { n });
        count.setAttribute('data-count', String(n));
      } catch (e) {
        replace(messages, errorNotice(e));
      } finally {
        loading = null;
      }
    })());
  linkBtn.addEventListener('click', async () => {
    linkBtn.disabled = true;
    try {
      const link = await ctx.api.post<IssuedLink>(`/admin/users/${user.id}/password-link`, {});
      replace(slot, linkBox(link, () => replace(slot)));
      await loadCount();
    } catch (e) {
      replace(messages, errorNotice(e));
    } finally {
      linkBtn.disabled = false;
    }
  });
  endBtn.addEventListener('click', async () => {
    const ok = await confirmDialog({ title: t('endSessionsTitle', { name: user.name }), body: t('endSessionsBody', { name: user.name }), confirmLabel: t('endSessions'), danger: true });
    if (ok === null) return;
    try {
      const r = await ctx.api.delete<{ ended: number }>(`/admin/users/${user.id}/sessions`);
      replace(messages, notice('ok', t('sessionsEnded', { n: r.ended })));
      await loadCount();
    } catch (e) {
      replace(messages, errorNotice(e));
    }
  });
  refreshBtn.addEventListener('click', () => void loadCount());
  const el = h(
    'div',
    { class: 'account-panel', 'data-testid': 'user-account' },
    h('h3', {}, t('account')),
    h('p', {}, count, ' ', refreshBtn),
    h('div', { class: 'actions' }, linkBtn, endBtn),
    messages,
    slot,
  );
  // Shown = in the document and not inside a collapsed (hidden) row; gone from the document = stop.
  const shown = () => el.isConnected && !el.closest('[hidden]') && document.visibilityState === 'visible';
  const onVisible = () => void (shown() && loadCount());
  const timer = setInterval(() => {
    if (!el.isConnected) {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      return;
    }
    if (shown()) void loadCount();
  }, SESSION_COUNT_REFRESH_MS);
  document.addEventListener('visibilitychange', onVisible);
  void loadCount();
  return el;
}

/** The set-password link, once, built from the token on this page's own origin. */
function linkBox(link: IssuedLink, onDismiss: () => void): HTMLElement {
  const url = `${location.origin}/#/set-password/${link.token}`;
  const value = h('input', { type: 'text', readonly: true, value: url, class: 'mono secret-value', 'data-testid': 'password-link-value', spellcheck: 'false', autocomplete: 'off' });
  value.addEventListener('focus', () => value.select());
  const fValue = field(t('linkLabel'), value);
  const dismiss = h('button', { type: 'button' }, t('dismiss'));
  dismiss.addEventListener('click', onDismiss);
  return h(
    'div',
    { class: 'secret-box', role: 'region', 'aria-label': t('linkTitle', { username: link.username }), 'data-testid': 'password-link' },
    h('h4', {}, t('linkTitle', { username: link.username })),
    h('p', { class: 'secret-warning' }, h('strong', {}, '⚠ '), t('linkWarning', { expires: formatDateTime(link.expiresAt) })),
    fValue.wrap,
    h('div', { class: 'actions' }, dismiss),
  );
}

/** The secret, once: a read-only field to select, a copy button, and the warning. */
function secretBox(user: User, secret: string, onDismiss: () => void): HTMLElement {
  const value = h('input', { type: 'text', readonly: true, value: secret, class: 'mono secret-value', 'data-testid': 'token-secret-value', spellcheck: 'false', autocomplete: 'off' });
  value.addEventListener('focus', () => value.select());
  const fValue = field(t('secretLabel'), value);
  const status = h('p', { class: 'small', role: 'status' });
  const copy = h('button', { type: 'button', class: 'primary', 'data-action': 'copy-token' }, t('copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(secret);
      status.textContent = t('copied');
    } catch {
      value.focus();
      value.select();
      status.textContent = t('copyFailed');
    }
  });
  const dismiss = h('button', { type: 'button', 'data-action': 'dismiss-token' }, t('dismiss'));
  dismiss.addEventListener('click', onDismiss);
  return h(
    'div',
    { class: 'secret-box', role: 'region', 'aria-label': t('secretTitle', { name: user.name }), 'data-testid': 'token-secret' },
    h('h4', {}, t('secretTitle', { name: user.name })),
    h('p', { class: 'secret-warning' }, h('strong', {}, '⚠ '), t('secretWarning')),
    fValue.wrap,
    h('div', { class: 'actions' }, copy, dismiss),
    status,
  );
}

