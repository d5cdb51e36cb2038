import { type DecodedAccessToken, decodeAccessToken } from '@acs-identity/core';
import { h, replaceChildren } from './dom.js';
import type { FeedToken } from './feed.js';
import { abbreviateToken, formatCountdown, formatDuration, formatTime, lifetimeLeft } from './format.js';

/** "Current token": its countdown, scopes, times, the token itself and its decoded claims, and what to do with it. */

export function decode(token: string): DecodedAccessToken | undefined {
  try {
    return decodeAccessToken(token);
  } catch {
    return undefined;
  }
}

export interface TokenCard {
  readonly el: HTMLElement;
  render(current: FeedToken | undefined): void;
  /** Updates the countdown and the lifetime meter (every second). */
  tick(current: FeedToken | undefined, now: number): void;
}

function copyButton(token: string): HTMLButtonElement {
  const copy = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        void navigator.clipboard?.writeText(token).then(
          () => {
            copy.textContent = 'Copied';
          },
          () => {
            copy.textContent = 'Copy failed';
          },
        );
      },
    },
    'Copy token',
  );
  return copy;
}

/** The facts of a token; times on this tab's clock, corrected by `skew` (measured by the refresher). */
function facts(current: FeedToken, decoded: DecodedAccessToken, skew: number): HTMLElement {
  const issued = decoded.issuedAt === undefined ? undefined : new Date(decoded.issuedAt.getTime() + skew);
  const skewed = Math.abs(skew) >= 2000;
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Scopes'),
    h(
      'dd',
      { 'data-testid': 'scopes' },
      h('span', { class: 'tags' }, ...(decoded.scopes ?? []).map((s) => h('span', { class: 'tag' }, s))),
    ),
    h('dt', {}, 'Issued'),
    h(
      'dd',
      {},
      issued === undefined
        ? '—'
        : h('time', { datetime: issued.toISOString(), 'data-testid': 'issued-at' }, formatTime(issued)),
    ),
    h('dt', {}, 'Expires'),
    h(
      'dd',
      {},
      h(
        'time',
        {
          datetime: new Date(current.expiresOnTimestamp).toISOString(),
          'data-testid': 'expires-on',
          'data-exp': decoded.expiresOnTimestamp,
        },
        formatTime(new Date(current.expiresOnTimestamp)),
      ),
    ),
    skewed ? h('dt', {}, 'Your clock') : null,
    skewed
      ? h(
          'dd',
          { 'data-testid': 'skew' },
          `${formatDuration(skew)} ${skew > 0 ? 'ahead of' : 'behind'} the gateway’s; times shown on your clock.`,
        )
      : null,
    h('dt', {}, 'Token'),
    h(
      'dd',
      {},
      h(
        'code',
        { 'data-testid': 'token', 'data-token': current.token, 'data-token-tail': current.token.slice(-16) },
        abbreviateToken(current.token),
      ),
    ),
  );
}

export function createTokenCard(actions: { refresh(): void; revoke(): void }): TokenCard {
  const el = h('section', { class: 'card', 'aria-labelledby': 'token-title' });
  const countdown = h('p', { class: 'countdown', 'data-testid': 'countdown', 'aria-live': 'off' });
  const meter = h('span');
  const meterBox = h(
    'div',
    {
      class: 'meter',
      role: 'progressbar',
      'aria-label': 'Token lifetime left',
      'aria-valuemin': 0,
      'aria-valuemax': 100,
    },
    meter,
  );
  return {
    el,
    render(current) {
      const decoded = current === undefined ? undefined : decode(current.token);
      const detailsWasOpen = el.querySelector('details')?.open ?? false;
      if (current === undefined || decoded === undefined) {
        replaceChildren(
          el,
          h('h2', { id: 'token-title' }, 'Current token'),
          h('p', { class: 'muted', 'data-testid': 'token-pending' }, 'Getting a token from the gateway…'),
        );
        return;
      }
      // The refresher corrects expiry for the local clock's skew (measured against the gateway's serverTime).
      const skew = current.expiresOnTimestamp - decoded.expiresOnTimestamp;
      replaceChildren(
        el,
        h('h2', { id: 'token-title' }, 'Current token'),
        countdown,
        meterBox,
        facts(current, decoded, skew),
        h(
          'details',
          { open: detailsWasOpen },
          h('summary', {}, 'Decoded claims'),
          h(
            'p',
            { class: 'muted small' },
            'Read with decodeAccessToken from @acs-identity/core (not verified).',
          ),
          h('pre', { class: 'claims', 'data-testid': 'claims' }, JSON.stringify(decoded.claims, null, 2)),
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary', onclick: actions.refresh }, 'Refresh now'),
          h('button', { type: 'button', class: 'danger', onclick: actions.revoke }, 'Revoke my tokens'),
          copyButton(current.token),
        ),
      );
    },
    tick(current, now) {
      if (current === undefined) return;
      const decoded = decode(current.token);
      const left = current.expiresOnTimestamp - now;
      countdown.textContent = left > 0 ? `${formatCountdown(left)} left` : 'Expired';
      const span =
        decoded?.issuedAt === undefined ? undefined : decoded.expiresOnTimestamp - decoded.issuedAt.getTime();
      const share =
        span === undefined
          ? 0
          : lifetimeLeft(current.expiresOnTimestamp - span, current.expiresOnTimestamp, now);
      meter.style.width = `${Math.round(share * 100)}%`;
      meterBox.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    },
  };
}
