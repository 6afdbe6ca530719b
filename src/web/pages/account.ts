// The signed-in user's own account (#/account, from the top bar): who they are (name, agency,
// roles) and a change-password form. POST /me/password needs the current password, and ends every
// other session of the user (other browsers, other tabs' cookies): the way to sign out elsewhere.
import { ApiError } from '../api.js';
import { authErrorLabel } from '../auth-errors.js';
import { errorNotice, notice } from '../components/notice.js';
import { field, h, replace, showFieldError } from '../dom.js';
import { defineMessages } from '../i18n.js';
import { levelLabel, roleLabel } from '../labels.js';
import type { PageContext } from '../router.js';

const t = defineMessages({
  vi: {
    title: 'Tài khoản',
    who: 'Thông tin tài khoản',
    name: 'Họ và tên',
    agency: 'Cơ quan',
    roles: 'Vai trò',
    change: 'Đổi mật khẩu',
    changeIntro: 'Đổi mật khẩu sẽ đăng xuất mọi phiên đăng nhập khác của bạn (trình duyệt, máy khác); phiên này vẫn tiếp tục.',
    current: 'Mật khẩu hiện tại',
    newPassword: 'Mật khẩu mới',
    newHint: 'Từ 12 đến 256 ký tự. Nên dùng một cụm từ dễ nhớ.',
    confirm: 'Nhập lại mật khẩu mới',
    submit: 'Đổi mật khẩu',
    emptyCurrent: 'Vui lòng nhập mật khẩu hiện tại.',
    weak: 'Mật khẩu mới phải có từ 12 đến 256 ký tự.',
    same: 'Mật khẩu mới phải khác mật khẩu hiện tại.',
    mismatch: 'Hai mật khẩu mới không khớp.',
    done: 'Đã đổi mật khẩu.',
    ended: 'Đã đăng xuất {n} phiên đăng nhập khác.',
    noneEnded: 'Không có phiên đăng nhập nào khác.',
  },
  en: {
    title: 'Account',
    who: 'Your account',
    name: 'Full name',
    agency: 'Agency',
    roles: 'Roles',
    change: 'Change your password',
    changeIntro: 'Changing your password signs out every other session of yours (other browsers and computers); this one stays.',
    current: 'Current password',
    newPassword: 'New password',
    newHint: '12 to 256 characters. A phrase you remember works well.',
    confirm: 'New password again',
    submit: 'Change password',
    emptyCurrent: 'Please enter your current password.',
    weak: 'The new password must be 12 to 256 characters long.',
    same: 'The new password must differ from the current one.',
    mismatch: 'The two new passwords differ.',
    done: 'Your password is changed.',
    ended: 'Signed out {n} other session(s).',
    noneEnded: 'You had no other session.',
  },
});

const length = (s: string) => [...s].length;

export default function accountPage(ctx: PageContext): Node {
  ctx.setTitle(t('title'));
  const { user, agency } = ctx.me;
  const roles = user.roles && user.roles.length > 0 ? user.roles : [user.role];
  const facts = h(
    'dl',
    { class: 'meta', 'data-testid': 'account-facts' },
    h('dt', {}, t('name')),
    h('dd', { 'data-fact': 'name' }, user.name),
    h('dt', {}, t('agency')),
    h('dd', { 'data-fact': 'agency' }, `${agency.name} (${agency.code}, ${levelLabel(agency.level)})`),
    h('dt', {}, t('roles')),
    h('dd', { 'data-fact': 'roles' }, roles.map(roleLabel).join(', ')),
  );

  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true, maxlength: '1024' });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12', maxlength: '256' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' });
  const fc = field(t('current'), current, { name: 'current-password' });
  const fn = field(t('newPassword'), next, { hint: t('newHint'), name: 'new-password' });
  const fa = field(t('confirm'), again, { name: 'confirm-password' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'change-password' }, t('submit'));
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'password-status' });
  const form = h(
    'form',
    { class: 'admin-form', novalidate: true, 'data-testid': 'password-change', 'aria-labelledby': 'password-change-title' },
    h('h2', { id: 'password-change-title' }, t('change')),
    h('p', { class: 'muted' }, t('changeIntro')),
    fc.wrap,
    fn.wrap,
    fa.wrap,
    h('div', { class: 'actions' }, submit),
    status,
  );
  const clear = () => [current, next, again].forEach((i) => (i.value = ''));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (const f of [fc, fn, fa]) showFieldError(f, null);
    replace(status);
    const bad = (f: typeof fc, message: string) => {
      showFieldError(f, message);
      f.control.focus();
    };
    if (!current.value) return bad(fc, t('emptyCurrent'));
    if (length(next.value) < 12 || length(next.value) > 256) return bad(fn, t('weak'));
    if (next.value === current.value) return bad(fn, t('same'));
    if (next.value !== again.value) return bad(fa, t('mismatch'));
    submit.disabled = true;
    ctx.api
      .post<{ sessionsEnded: number }>('/me/password', { currentPassword: current.value, newPassword: next.value })
      .then((r) => {
        clear();
        replace(status, notice('ok', t('done'), r.sessionsEnded > 0 ? t('ended', { n: r.sessionsEnded }) : t('noneEnded')));
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'PASSWORD_WRONG') {
          current.value = '';
          return bad(fc, authErrorLabel(err.code) ?? err.message);
        }
        if (err instanceof ApiError && err.code === 'PASSWORD_TOO_WEAK') return bad(fn, t('weak'));
        replace(status, errorNotice(err));
      })
      .finally(() => (submit.disabled = false));
  });

  return h(
    'section',
    { 'aria-labelledby': 'account-title', 'data-testid': 'account' },
    h('h1', { id: 'account-title' }, t('title')),
    h('h2', {}, t('who')),
    facts,
    form,
  );
}
