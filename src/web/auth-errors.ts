// Vietnamese and English words for the sign-in, session and CSRF refusals the web can meet, by
// their stable code (the service's own message is English).
import { defineMessages } from './i18n.js';

const t = defineMessages({
  vi: {
    AUTH_BAD_CREDENTIALS: 'Tên đăng nhập hoặc mật khẩu không đúng.',
    AUTH_LOCKED: 'Đăng nhập sai quá nhiều lần; tài khoản tạm khóa. Vui lòng thử lại sau.',
    SESSION_EXPIRED: 'Phiên đăng nhập đã hết hạn hoặc đã kết thúc. Vui lòng đăng nhập lại.',
    CSRF_MISSING: 'Yêu cầu thiếu mã chống giả mạo (CSRF). Vui lòng tải lại trang.',
    CSRF_INVALID: 'Mã chống giả mạo (CSRF) hoặc nguồn gửi yêu cầu không hợp lệ. Vui lòng tải lại trang.',
    PASSWORD_TOO_WEAK: 'Mật khẩu phải có từ 12 đến 256 ký tự.',
    PASSWORD_WRONG: 'Mật khẩu hiện tại không đúng.',
    SET_PASSWORD_LINK_INVALID: 'Liên kết đặt mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng.',
    USERNAME_INVALID: 'Tên đăng nhập gồm 3 đến 64 ký tự: chữ thường, chữ số, “.”, “_” hoặc “-”.',
    USERNAME_TAKEN: 'Tên đăng nhập này đã được dùng.',
    ACCOUNT_NO_USERNAME: 'Người dùng này chưa có tên đăng nhập.',
  },
  en: {
    AUTH_BAD_CREDENTIALS: 'The user name or the password is wrong.',
    AUTH_LOCKED: 'Too many wrong passwords; sign-in is locked for a while. Please try again later.',
    SESSION_EXPIRED: 'Your session has expired or was ended. Please sign in again.',
    CSRF_MISSING: 'The request lacks its anti-forgery (CSRF) token. Please reload the page.',
    CSRF_INVALID: 'The anti-forgery (CSRF) token or the request’s origin is not valid. Please reload the page.',
    PASSWORD_TOO_WEAK: 'The password must be 12 to 256 characters long.',
    PASSWORD_WRONG: 'The current password is wrong.',
    SET_PASSWORD_LINK_INVALID: 'The set-password link is invalid, expired or already used.',
    USERNAME_INVALID: 'A user name is 3 to 64 lower-case letters, digits, “.”, “_” or “-”.',
    USERNAME_TAKEN: 'This user name is already in use.',
    ACCOUNT_NO_USERNAME: 'This user has no user name yet.',
  },
});

type Code = Parameters<typeof t>[0];
const CODES = new Set<string>(['AUTH_BAD_CREDENTIALS', 'AUTH_LOCKED', 'SESSION_EXPIRED', 'CSRF_MISSING', 'CSRF_INVALID', 'PASSWORD_TOO_WEAK', 'PASSWORD_WRONG', 'SET_PASSWORD_LINK_INVALID', 'USERNAME_INVALID', 'USERNAME_TAKEN', 'ACCOUNT_NO_USERNAME']);

/** The label of an account/session error code in the current language, or undefined for other codes. */
export function authErrorLabel(code: string): string | undefined {
  return CODES.has(code) ? t(code as Code) : undefined;
}
