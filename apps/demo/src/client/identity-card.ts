import type { DecodedAccessToken } from '@acs-identity/core';
import { h, replaceChildren } from './dom.js';

/** "You": who is signed in and the ACS identity the gateway maps them to. */
export function renderIdentity(
  card: HTMLElement,
  user: string,
  decoded: DecodedAccessToken | undefined,
  signOut: () => void,
): void {
  replaceChildren(
    card,
    h('h2', { id: 'identity-title' }, 'You'),
    h(
      'dl',
      { class: 'facts identity-facts' },
      h('dt', {}, 'Signed in as'),
      h('dd', { 'data-testid': 'user' }, h('strong', {}, user)),
      h('dt', {}, 'ACS identity'),
      h(
        'dd',
        { 'data-testid': 'identity' },
        h('code', {}, decoded?.rawId ?? 'created with your first token'),
      ),
      h('dt', {}, 'Resource'),
      h('dd', {}, h('code', {}, String(decoded?.claims.resourceId ?? '—'))),
    ),
    h(
      'div',
      { class: 'identity-foot' },
      h(
        'p',
        { class: 'muted small' },
        'The gateway maps your sign-in to one ACS identity and only ever issues tokens for it.',
      ),
      h('button', { type: 'button', onclick: signOut, 'data-testid': 'sign-out' }, 'Sign out'),
    ),
  );
}
