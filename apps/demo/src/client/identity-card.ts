import type { DecodedAccessToken } from '@acs-identity/core';
import { h, replaceChildren } from './dom.js';
import { formatTime } from './format.js';
import type { IdentityDetails } from './gateway.js';

/** What the card knows of the identity beyond the token: read from the gateway (`me`), or why it could not be. */
export type IdentityFacts =
  | { state: 'loading' }
  | { state: 'read'; details: IdentityDetails | null }
  | { state: 'failed'; message: string };

/** The custom id, or what stands in its place. */
function customIdCell(facts: IdentityFacts): HTMLElement | string {
  if (facts.state === 'loading') return '…';
  if (facts.state === 'failed') return h('span', { title: facts.message }, 'could not be read');
  const customId = facts.details?.customId;
  return customId ? h('code', {}, customId) : 'none (the gateway’s store maps you)';
}

/** When the service last issued a token for the identity, on this tab's clock (corrected by `skew`). */
function lastIssuedCell(facts: IdentityFacts, skew: number): HTMLElement | string {
  if (facts.state === 'loading') return '…';
  if (facts.state === 'failed') return h('span', { title: facts.message }, 'could not be read');
  const at = facts.details?.lastTokenIssuedAt;
  if (!at) return '—';
  const local = new Date(Date.parse(at) + skew);
  return h('time', { datetime: local.toISOString(), 'data-at': at }, formatTime(local));
}

/**
 * "You": who is signed in, the ACS identity the gateway maps them to, its custom id and when the service last issued a
 * token for it. `skew` is this tab's clock against the gateway's (measured by the refresher).
 */
export function renderIdentity(
  card: HTMLElement,
  user: string,
  decoded: DecodedAccessToken | undefined,
  facts: IdentityFacts,
  skew: number,
  signOut: () => void,
): void {
  const customId = facts.state === 'read' ? facts.details?.customId : undefined;
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
      h('dt', {}, 'Custom id'),
      h('dd', { 'data-testid': 'custom-id', 'data-state': facts.state }, customIdCell(facts)),
      h('dt', {}, 'Last token issued'),
      h('dd', { 'data-testid': 'last-issued', 'data-state': facts.state }, lastIssuedCell(facts, skew)),
      h('dt', {}, 'Resource'),
      h('dd', {}, h('code', {}, String(decoded?.claims.resourceId ?? '—'))),
    ),
    h(
      'div',
      { class: 'identity-foot' },
      h(
        'p',
        { class: 'muted small' },
        customId
          ? 'The gateway maps your sign-in to one ACS identity through its custom id, which the ACS service keeps: every gateway instance finds the same one. It only ever issues tokens for it.'
          : 'The gateway maps your sign-in to one ACS identity and only ever issues tokens for it.',
      ),
      h('button', { type: 'button', onclick: signOut, 'data-testid': 'sign-out' }, 'Sign out'),
    ),
  );
}
