/**
 * The demo user's sign-in, kept in localStorage so every tab of the demo shares it (the refresher then elects one tab
 * to refresh for all). Signing out in one tab signs out every tab.
 */

const KEY = 'acs-identity-demo.sign-in';

export interface SignIn {
  user: string;
  /** The gateway's development sign-in JWT, sent as `Authorization: Bearer`. */
  token: string;
}

export function loadSignIn(storage: Storage = localStorage): SignIn | undefined {
  const raw = storage.getItem(KEY);
  if (raw === null) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<SignIn>;
    if (typeof value.user === 'string' && typeof value.token === 'string')
      return { user: value.user, token: value.token };
  } catch {
    // A damaged entry is treated as signed out.
  }
  storage.removeItem(KEY);
  return undefined;
}

export function saveSignIn(signIn: SignIn, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(signIn));
}

export function clearSignIn(storage: Storage = localStorage): void {
  storage.removeItem(KEY);
}

/** Calls `listener` when another tab signs in or out. */
export function onSignInChange(listener: (signIn: SignIn | undefined) => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === KEY || event.key === null) listener(loadSignIn());
  };
  window.addEventListener('storage', handler);
  return () => window.removeEventListener('storage', handler);
}
