// Sign-in with a user name and a password (the session lives in an HttpOnly cookie; this page
// gets only the CSRF token), and the set-password form an administrator's one-time link opens
// (#/set-password/<token>: a fragment never reaches the server's logs).
import { ApiError } from '../api.js';
import { authErrorLabel } from '../auth-errors.js';
import { field, h, showFieldError } from '../dom.js';
import { currentLang, defineMessages, setLang } from '../i18n.js';
import type { Me } from '../session.js';

const t = defineMessages({
  vi: {
    brand: 'Trục liên thông văn bản',
    tagline: 'Gửi, nhận và kiểm tra chữ ký số văn bản điện tử giữa các cơ quan nhà nước',
    title: 'Đăng nhập',
    intro: 'Đăng nhập bằng tên đăng nhập và mật khẩu do quản trị viên cấp.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    hint: 'Bản demo in tên đăng nhập và mật khẩu dùng thử khi chạy npm start lần đầu.',
    submit: 'Đăng nhập',
    emptyUser: 'Vui lòng nhập tên đăng nhập.',
    emptyPassword: 'Vui lòng nhập mật khẩu.',
    wrong: 'Tên đăng nhập hoặc mật khẩu không đúng.',
    locked: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.',
    limited: 'Quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau.',
    lang: 'English',
    langLabel: 'Switch to English',
    setTitle: 'Đặt mật khẩu',
    setIntro: 'Đặt mật khẩu cho tài khoản của bạn. Liên kết này chỉ dùng được một lần và hết hạn sau 24 giờ.',
    newPassword: 'Mật khẩu mới',
    newHint: 'Ít nhất 12 ký tự. Nên dùng một cụm từ dễ nhớ.',
    confirm: 'Nhập lại mật khẩu mới',
    mismatch: 'Hai mật khẩu không khớp.',
    weak: 'Mật khẩu phải có từ 12 đến 256 ký tự.',
    linkInvalid: 'Liên kết không hợp lệ, đã hết hạn hoặc đã được dùng. Vui lòng đề nghị quản trị viên cấp liên kết mới.',
    setSubmit: 'Đặt mật khẩu',
    setDone: 'Đã đặt mật khẩu cho tài khoản {username}. Bạn có thể đăng nhập.',
    toSignIn: 'Đến trang đăng nhập',
    expired: 'Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.',
  },
  en: {
    brand: 'Document exchange axis',
    tagline: 'Send, receive and check the digital signatures of official documents between state agencies',
    title: 'Sign in',
    intro: 'Sign in with the user name and password your administrator gave you.',
    username: 'User name',
    password: 'Password',
    hint: 'The demo prints its user names and test password the first time npm start runs.',
    submit: 'Sign in',
    emptyUser: 'Please enter your user name.',
    emptyPassword: 'Please enter your password.',
    wrong: 'The user name or the password is wrong.',
    locked: 'Too many wrong passwords. Please try again in {minutes} minute(s).',
    limited: 'Too many failed sign-ins from this address. Please try again later.',
    lang: 'Tiếng Việt',
    langLabel: 'Chuyển sang tiếng Việt',
    setTitle: 'Set your password',
    setIntro: 'Choose the password of your account. This link works once and expires after 24 hours.',
    newPassword: 'New password',
    newHint: 'At least 12 characters. A phrase you remember works well.',
    confirm: 'New password again',
    mismatch: 'The two passwords differ.',
    weak: 'The password must be 12 to 256 characters long.',
    linkInvalid: 'The link is invalid, expired or already used. Please ask your administrator for a new one.',
    setSubmit: 'Set password',
    setDone: 'The password of {username} is set. You can sign in now.',
    toSignIn: 'Go to sign-in',
    expired: 'Your session has expired, please sign in again.',
  },
});

/** The CSRF token and who signed in, as POST /session answers. */
interface SignInAnswer {
  csrfToken: string;
  me: Me;
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (res.ok) return parsed as T;
  const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `HTTP ${res.status}`, err?.details);
}

function messageOf(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case 'AUTH_BAD_CREDENTIALS':
      return t('wrong');
    case 'AUTH_LOCKED':
      return t('locked', { minutes: Math.max(1, Math.ceil(Number(err.details?.['retryAfterSeconds'] ?? 60) / 60)) });
    case 'AUTH_RATE_LIMITED':
      return t('limited');
    case 'PASSWORD_TOO_WEAK':
      return t('weak');
    case 'SET_PASSWORD_LINK_INVALID':
      return t('linkInvalid');
    default:
      return authErrorLabel(err.code) ?? err.message;
  }
}

/** The set-password link's token, when the page was opened from one. */
function linkToken(): string | null {
  const m = /^#\/set-password\/([A-Za-z0-9_-]{10,100})$/.exec(location.hash);
  return m ? m[1]! : null;
}

/** `expired`: the user comes back because their session ended (idle, revoked): say so. */
export function renderSignIn(onSignedIn: (csrfToken: string, me: Me) => void, relabel: () => void, opts: { expired?: boolean } = {}): HTMLElement {
  const token = linkToken();
  const lang = h('button', { type: 'button', class: 'link lang-switch', lang: currentLang() === 'vi' ? 'en' : 'vi', 'aria-label': t('langLabel') }, t('lang'));
  // The language switch redraws the page: the reason stays said.
  const expired = Boolean(opts.expired) && !token;
  lang.addEventListener('click', () => {
    setLang(currentLang() === 'vi' ? 'en' : 'vi');
    if (expired) replaceSelf(renderSignIn(onSignedIn, relabel, opts));
    else relabel();
  });
  const banner = h(
    'header',
    { class: 'sign-in-banner' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '⇄'), h('span', {}, t('brand'))),
    lang,
    h('p', { class: 'sign-in-tagline' }, t('tagline')),
  );
  const form = token ? setPasswordForm(token, relabel) : signInForm(onSignedIn);
  const reason = expired ? h('p', { class: 'notice notice-warn', role: 'alert', 'data-testid': 'session-expired' }, t('expired')) : null;
  const page = h('div', { class: 'sign-in-page' }, banner, h('main', { id: 'main' }, reason, form));
  const replaceSelf = (next: HTMLElement) => {
    page.replaceWith(next);
    next.querySelector('input')?.focus();
  };
  return page;
}

function signInForm(onSignedIn: (csrfToken: string, me: Me) => void): HTMLElement {
  const user = h('input', { type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true, maxlength: '200' });
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true, maxlength: '1024' });
  const fu = field(t('username'), user, { name: 'username' });
  const fp = field(t('password'), pass, { hint: t('hint'), name: 'password' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('submit'));
  const form = h('form', { class: 'sign-in', novalidate: true }, h('h1', {}, t('title')), h('p', {}, t('intro')), fu.wrap, fp.wrap, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showFieldError(fu, null);
    showFieldError(fp, null);
    const username = user.value.trim();
    if (!username) return showFieldError(fu, t('emptyUser'));
    if (!pass.value) return showFieldError(fp, t('emptyPassword'));
    submit.disabled = true;
    postJson<SignInAnswer>('/session', { username, password: pass.value })
      .then((a) => {
        pass.value = '';
        onSignedIn(a.csrfToken, { ...a.me, csrfToken: a.csrfToken });
      })
      .catch((err: unknown) => {
        pass.value = '';
        showFieldError(fp, messageOf(err));
        pass.focus();
      })
      .finally(() => (submit.disabled = false));
  });
  return form;
}

function setPasswordForm(token: string, relabel: () => void): HTMLElement {
  const pass = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12', maxlength: '256' });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxlength: '256' });
  const fp = field(t('newPassword'), pass, { hint: t('newHint'), name: 'new-password' });
  const fa = field(t('confirm'), again, { name: 'confirm-password' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('setSubmit'));
  const status = h('div', { role: 'status' });
  const form = h('form', { class: 'sign-in', novalidate: true }, h('h1', {}, t('setTitle')), h('p', {}, t('setIntro')), fp.wrap, fa.wrap, submit, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showFieldError(fp, null);
    showFieldError(fa, null);
    if ([...pass.value].length < 12 || [...pass.value].length > 256) return showFieldError(fp, t('weak'));
    if (pass.value !== again.value) return showFieldError(fa, t('mismatch'));
    submit.disabled = true;
    postJson<{ username: string }>('/session/set-password', { token, password: pass.value })
      .then((r) => {
        const go = h('button', { type: 'button', class: 'primary' }, t('toSignIn'));
        go.addEventListener('click', () => {
          history.replaceState(null, '', location.pathname);
          relabel();
        });
        form.replaceChildren(h('h1', {}, t('setTitle')), h('p', { class: 'notice notice-ok' }, t('setDone', { username: r.username })), go);
      })
      .catch((err: unknown) => showFieldError(fp, messageOf(err)))
      .finally(() => (submit.disabled = false));
  });
  return form;
}
