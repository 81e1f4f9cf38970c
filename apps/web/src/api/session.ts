/**
 * The bearer token, entered once in the login form and kept in sessionStorage: it survives reloads and
 * navigation in this tab, and is gone when the tab closes (localStorage would keep an admin token forever).
 */
const KEY = 'bpfleet.token';
const listeners = new Set<() => void>();

export const readToken = (): string | null => sessionStorage.getItem(KEY);

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
  listeners.forEach((listener) => listener());
}

/** Forgets the token (logout, or the API answered 401); every subscriber re-renders into the login form. */
export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener());
}

/** Calls `listener` whenever the token is saved or forgotten; returns the unsubscribe function. */
export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
