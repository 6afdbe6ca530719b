// Who is signed in. The token lives in sessionStorage: it is gone when the tab closes, and it is
// never put in a URL (URLs end up in logs and history).
export type Role = 'clerk' | 'admin' | 'auditor';

export interface Me {
  user: { id: string; name: string; role: Role };
  agency: { id: string; code: string; name: string; level: string };
}

const TOKEN_KEY = 'docaxis.token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}
