import type { Verification } from './api.js';
import { h, replaceChildren } from './dom.js';
import { abbreviateToken } from './format.js';

/** After "Revoke my tokens": the old token, checked with the emulator's verification endpoint. */

export interface Revocation {
  oldToken: string;
  verification: Verification | undefined;
  error: string | undefined;
}

function verdict(r: Revocation): HTMLElement {
  const v = r.verification;
  if (r.error !== undefined)
    return h('p', { class: 'verdict invalid' }, `Could not ask the emulator: ${r.error}`);
  if (v === undefined) return h('p', { class: 'muted' }, 'Asking the emulator…');
  // An invalid old token is what a revocation is for: a success. One still valid is the surprise.
  return h(
    'p',
    {
      class: `verdict ${v.valid ? 'invalid' : 'success'}`,
      'data-testid': 'revocation-verdict',
      'data-valid': String(v.valid),
      'data-reason': v.reason ?? '',
    },
    v.valid
      ? 'The emulator still reports the old token as valid.'
      : `Revoked: the emulator reports the old token as invalid (${v.reason ?? 'no reason given'}).`,
  );
}

export function renderRevocation(card: HTMLElement, revocation: Revocation | undefined): void {
  card.hidden = revocation === undefined;
  if (revocation === undefined) {
    replaceChildren(card);
    return;
  }
  replaceChildren(
    card,
    h('h2', { id: 'revocation-title' }, 'Revocation check'),
    h(
      'p',
      { class: 'muted' },
      'Your tokens were revoked. The old token was checked with the emulator’s verification endpoint ',
      h('code', {}, 'POST /emulator/verify-token'),
      '; the refresher fetched a new token.',
    ),
    h('p', {}, 'Old token: ', h('code', {}, abbreviateToken(revocation.oldToken))),
    verdict(revocation),
  );
}
