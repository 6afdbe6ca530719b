// Sign-in with the token an administrator issued (the demo prints them at `npm start`).
import { ApiClient, ApiError } from '../api.js';
import { field, h, showFieldError } from '../dom.js';
import { currentLang, defineMessages, setLang } from '../i18n.js';
import type { Me } from '../session.js';

const t = defineMessages({
  vi: {
    title: 'Đăng nhập',
    intro: 'Trục liên thông văn bản điện tử giữa các cơ quan nhà nước. Nhập mã truy cập (token) do quản trị viên cấp.',
    token: 'Mã truy cập (token)',
    hint: 'Bản demo in các mã truy cập khi chạy npm start lần đầu.',
    submit: 'Đăng nhập',
    empty: 'Vui lòng nhập mã truy cập.',
    wrong: 'Mã truy cập không đúng hoặc đã bị thu hồi.',
    lang: 'English',
  },
  en: {
    title: 'Sign in',
    intro: 'The electronic document exchange axis between state agencies. Enter the access token your administrator issued.',
    token: 'Access token',
    hint: 'The demo prints its tokens the first time npm start runs.',
    submit: 'Sign in',
    empty: 'Please enter your access token.',
    wrong: 'The token is wrong or has been revoked.',
    lang: 'Tiếng Việt',
  },
});

export function renderSignIn(onSignedIn: (token: string, me: Me) => void, relabel: () => void): HTMLElement {
  const input = h('input', { type: 'password', autocomplete: 'current-password', spellcheck: 'false', required: true });
  const f = field(t('token'), input, { hint: t('hint'), name: 'token' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('submit'));
  const form = h('form', { class: 'sign-in', novalidate: true }, h('h1', {}, t('title')), h('p', {}, t('intro')), f.wrap, submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return showFieldError(f, t('empty'));
    submit.disabled = true;
    new ApiClient(token)
      .get<Me>('/me')
      .then((me) => onSignedIn(token, me))
      .catch((err: unknown) => showFieldError(f, err instanceof ApiError && err.status === 401 ? t('wrong') : err instanceof Error ? err.message : String(err)))
      .finally(() => (submit.disabled = false));
  });
  const lang = h('button', { type: 'button', class: 'link lang-switch' }, t('lang'));
  lang.addEventListener('click', () => {
    setLang(currentLang() === 'vi' ? 'en' : 'vi');
    relabel();
  });
  return h('div', { class: 'sign-in-page' }, h('main', { id: 'main' }, lang, form));
}
