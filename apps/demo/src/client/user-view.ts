import { type DecodedAccessToken, decodeAccessToken } from '@acs-identity/core';
import { DemoError } from '../errors.js';
import { type DemoConfig, devSignIn, type Verification, verifyToken } from './api.js';
import { h, replaceChildren, uid } from './dom.js';
import type { FeedEvent, TokenFeed } from './feed.js';
import {
  abbreviateToken,
  formatCountdown,
  formatDuration,
  formatRelative,
  formatTime,
  lifetimeLeft,
  normalizeUserName,
} from './format.js';
import { revokeMyTokens } from './gateway.js';
import { clearSignIn, loadSignIn, onSignInChange, type SignIn, saveSignIn } from './session.js';
import { clearProblem, showProblem } from './shell.js';

/** "My token": sign in as a demo user, watch the token the refresher keeps fresh, refresh, revoke, sign out. */

export interface UserViewDeps {
  config: DemoConfig;
  createFeed(signIn: SignIn): TokenFeed;
}

interface Revocation {
  oldToken: string;
  verification: Verification | undefined;
  error: string | undefined;
}

const EVENT_BADGES: Record<FeedEvent['type'], string> = {
  refreshed: 'ok',
  leader: 'ok',
  info: 'ok',
  retrying: 'warn',
  failed: 'warn',
  expired: 'bad',
  fatal: 'bad',
};

export function mountUserView(main: HTMLElement, deps: UserViewDeps): () => void {
  let signIn = loadSignIn();
  let feed: TokenFeed | undefined;
  let unsubscribe: (() => void) | undefined;
  let revocation: Revocation | undefined;
  let busy = false;
  /** The token the cards show; null until they show anything. */
  let lastTokenShown: string | undefined | null = null;

  const tokenCard = h('section', { class: 'card', 'aria-labelledby': 'token-title' });
  const identityCard = h('section', { class: 'card wide identity', 'aria-labelledby': 'identity-title' });
  const refresherCard = h('section', { class: 'card', 'aria-labelledby': 'refresher-title' });
  const revocationCard = h('section', { class: 'card wide', 'aria-labelledby': 'revocation-title' });
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
  const leaderBox = h('p', { class: 'leader', 'data-testid': 'leader', role: 'status' });
  const stateLine = h('dd', { 'data-testid': 'refresher-state' });
  const nextLine = h('dd', { 'data-testid': 'next-refresh' });
  const log = h('ol', { class: 'log', 'aria-label': 'Refresher events', 'data-testid': 'event-log' });

  const stopSync = onSignInChange((next) => {
    if (next?.token === signIn?.token) return;
    stopFeed();
    signIn = next;
    revocation = undefined;
    render();
  });

  function stopFeed(): void {
    unsubscribe?.();
    unsubscribe = undefined;
    feed?.dispose();
    feed = undefined;
    lastTokenShown = null;
  }

  function startFeed(current: SignIn): void {
    stopFeed();
    feed = deps.createFeed(current);
    unsubscribe = feed.subscribe(() => update());
  }

  async function signInAs(user: string): Promise<void> {
    if (busy) return;
    busy = true;
    render();
    try {
      const token = await devSignIn(user);
      signIn = { user, token };
      saveSignIn(signIn);
      clearProblem();
    } catch (e) {
      showProblem(e);
    } finally {
      busy = false;
      render();
    }
  }

  function signOut(): void {
    stopFeed();
    clearSignIn();
    signIn = undefined;
    revocation = undefined;
    render();
  }

  function signInExpired(): void {
    stopFeed();
    clearSignIn();
    signIn = undefined;
    showProblem(new DemoError('UNAUTHENTICATED', 'The gateway no longer accepts your sign-in.'));
    render();
  }

  async function refreshNow(): Promise<void> {
    if (feed === undefined) return;
    try {
      await feed.refreshNow();
      clearProblem();
    } catch (e) {
      showProblem(e);
    }
  }

  async function revoke(): Promise<void> {
    if (signIn === undefined || feed === undefined) return;
    const oldToken = feed.current?.token;
    try {
      await revokeMyTokens(signIn.token);
    } catch (e) {
      showProblem(e);
      return;
    }
    clearProblem();
    if (oldToken !== undefined) {
      revocation = { oldToken, verification: undefined, error: undefined };
      renderRevocation();
      try {
        revocation.verification = await verifyToken(oldToken);
      } catch (e) {
        revocation.error = e instanceof Error ? e.message : String(e);
      }
      renderRevocation();
    }
    // Tokens issued before the revocation are dead: get a new one at once.
    await refreshNow();
  }

  function render(): void {
    if (signIn === undefined) {
      stopFeed();
      replaceChildren(main, signInCard(), howItWorksCard());
      return;
    }
    if (feed === undefined) startFeed(signIn);
    replaceChildren(main, identityCard, tokenCard, refresherCard, revocationCard);
    renderRevocation();
    update();
  }

  function signInCard(): HTMLElement {
    const inputId = uid('user-name');
    const input = h('input', {
      id: inputId,
      type: 'text',
      name: 'user',
      autocomplete: 'username',
      placeholder: 'e.g. dave',
      maxlength: 64,
    });
    const submit = (event: Event) => {
      event.preventDefault();
      const name = normalizeUserName(input.value);
      if (name === undefined) {
        showProblem(
          new DemoError('BAD_INPUT', 'A user name is 1 to 64 letters, digits, dots, dashes or underscores.'),
        );
        input.focus();
        return;
      }
      void signInAs(name);
    };
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'sign-in-title' },
      h('h2', { id: 'sign-in-title' }, 'Sign in as a demo user'),
      h(
        'p',
        { class: 'muted' },
        'The gateway runs in development mode: it signs in named demo users without a password. Each user gets ',
        'their own ACS identity and an access token that the browser refresher keeps fresh.',
      ),
      h(
        'div',
        { class: 'users', role: 'group', 'aria-label': 'Demo users' },
        ...deps.config.demoUsers.map((user, i) =>
          h(
            'button',
            {
              type: 'button',
              class: i === 0 ? 'primary' : '',
              disabled: busy,
              'data-user': user,
              onclick: () => void signInAs(user),
            },
            `Sign in as ${user}`,
          ),
        ),
      ),
      h(
        'form',
        { class: 'row', onsubmit: submit },
        h('div', { class: 'grow' }, h('label', { for: inputId }, 'Or any name'), input),
        h('button', { type: 'submit', disabled: busy }, busy ? 'Signing in…' : 'Sign in'),
      ),
    );
  }

  function howItWorksCard(): HTMLElement {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'how-title' },
      h('h2', { id: 'how-title' }, 'What happens'),
      h(
        'ol',
        { class: 'steps' },
        h('li', {}, 'The gateway signs you in (development sign-in) and returns a login token.'),
        h(
          'li',
          {},
          'The browser refresher calls the gateway’s ',
          h('code', {}, 'issueMyToken'),
          ' mutation; the gateway finds or creates your ACS identity in the emulator and issues a token.',
        ),
        h('li', {}, 'One tab refreshes the token before it expires and shares it with every other tab.'),
        h('li', {}, 'Revoke your tokens and watch the emulator report the old one invalid.'),
      ),
    );
  }

  function decode(token: string): DecodedAccessToken | undefined {
    try {
      return decodeAccessToken(token);
    } catch {
      return undefined;
    }
  }

  function update(): void {
    if (signIn === undefined || feed === undefined) return;
    const current = feed.current;
    if (feed.signInRejected) {
      // Straight from inside the refresher's `fatal` event: it has told the other tabs already, and disposing it from
      // a listener is safe.
      signInExpired();
      return;
    }
    if (current?.token !== lastTokenShown) {
      lastTokenShown = current?.token;
      renderIdentity(current === undefined ? undefined : decode(current.token));
      renderToken();
    }
    renderRefresher();
    tick();
  }

  function renderIdentity(decoded: DecodedAccessToken | undefined): void {
    replaceChildren(
      identityCard,
      h('h2', { id: 'identity-title' }, 'You'),
      h(
        'dl',
        { class: 'facts identity-facts' },
        h('dt', {}, 'Signed in as'),
        h('dd', { 'data-testid': 'user' }, h('strong', {}, signIn?.user ?? '')),
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

  function renderToken(): void {
    const current = feed?.current;
    const decoded = current === undefined ? undefined : decode(current.token);
    const detailsWasOpen = tokenCard.querySelector('details')?.open ?? false;
    if (current === undefined || decoded === undefined) {
      replaceChildren(
        tokenCard,
        h('h2', { id: 'token-title' }, 'Current token'),
        h('p', { class: 'muted', 'data-testid': 'token-pending' }, 'Getting a token from the gateway…'),
      );
      return;
    }
    const claims = h('pre', { 'data-testid': 'claims' }, JSON.stringify(decoded.claims, null, 2));
    // The refresher corrects expiry for the local clock's skew (measured against the gateway's serverTime).
    const skew = current.expiresOnTimestamp - decoded.expiresOnTimestamp;
    const copy = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          void navigator.clipboard?.writeText(current.token).then(
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
    replaceChildren(
      tokenCard,
      h('h2', { id: 'token-title' }, 'Current token'),
      countdown,
      meterBox,
      h(
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
          decoded.issuedAt === undefined
            ? '—'
            : h(
                'time',
                {
                  datetime: new Date(decoded.issuedAt.getTime() + skew).toISOString(),
                  'data-testid': 'issued-at',
                },
                formatTime(new Date(decoded.issuedAt.getTime() + skew)),
              ),
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
        Math.abs(skew) < 2000 ? null : h('dt', {}, 'Your clock'),
        Math.abs(skew) < 2000
          ? null
          : h(
              'dd',
              { 'data-testid': 'skew' },
              `${formatDuration(skew)} ${skew > 0 ? 'ahead of' : 'behind'} the gateway’s; times shown on your clock.`,
            ),
        h('dt', {}, 'Token'),
        h(
          'dd',
          {},
          h(
            'code',
            {
              'data-testid': 'token',
              'data-token': current.token,
              'data-token-tail': current.token.slice(-16),
            },
            abbreviateToken(current.token),
          ),
        ),
      ),
      h(
        'details',
        { open: detailsWasOpen },
        h('summary', {}, 'Decoded claims'),
        h(
          'p',
          { class: 'muted small' },
          'Read with decodeAccessToken from @acs-identity/core (not verified).',
        ),
        claims,
      ),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'primary', onclick: () => void refreshNow() }, 'Refresh now'),
        h('button', { type: 'button', class: 'danger', onclick: () => void revoke() }, 'Revoke my tokens'),
        copy,
      ),
    );
  }

  function renderRefresher(): void {
    if (feed === undefined) return;
    const leader = feed.leader;
    leaderBox.className = `leader ${leader === true ? 'yes' : leader === false ? 'no' : ''}`;
    leaderBox.dataset.leader = leader === undefined ? 'unknown' : String(leader);
    leaderBox.textContent =
      leader === true
        ? 'This tab refreshes the token for all tabs.'
        : leader === false
          ? 'Another tab refreshes the token; this tab receives it.'
          : 'Electing the tab that refreshes…';
    stateLine.textContent = feed.state;
    const events = feed.events;
    replaceChildren(
      log,
      ...[...events]
        .reverse()
        .slice(0, 50)
        .map((e) =>
          h(
            'li',
            { 'data-type': e.type },
            h('time', { datetime: new Date(e.at).toISOString() }, formatTime(new Date(e.at))),
            h('span', {}, h('span', { class: `badge ${EVENT_BADGES[e.type]}` }, e.type)),
            h('span', {}, e.message),
          ),
        ),
    );
    if (events.length === 0) log.append(h('li', {}, h('span', { class: 'muted' }, 'No events yet.')));
    if (refresherCard.childElementCount === 0) {
      replaceChildren(
        refresherCard,
        h('h2', { id: 'refresher-title' }, 'Token refresher'),
        leaderBox,
        h('dl', { class: 'facts' }, h('dt', {}, 'State'), stateLine, h('dt', {}, 'Next refresh'), nextLine),
        h('h3', {}, 'Events'),
        log,
      );
    }
  }

  function renderRevocation(): void {
    if (revocation === undefined) {
      replaceChildren(revocationCard);
      revocationCard.hidden = true;
      return;
    }
    revocationCard.hidden = false;
    const v = revocation.verification;
    const verdict =
      revocation.error !== undefined
        ? h('p', { class: 'verdict invalid' }, `Could not ask the emulator: ${revocation.error}`)
        : v === undefined
          ? h('p', { class: 'muted' }, 'Asking the emulator…')
          : h(
              'p',
              {
                class: `verdict ${v.valid ? 'valid' : 'invalid'}`,
                'data-testid': 'revocation-verdict',
                'data-valid': String(v.valid),
                'data-reason': v.reason ?? '',
              },
              v.valid
                ? 'The emulator still reports the old token as valid.'
                : `The emulator reports the old token as invalid: ${v.reason ?? 'no reason given'}.`,
            );
    replaceChildren(
      revocationCard,
      h('h2', { id: 'revocation-title' }, 'Revocation check'),
      h(
        'p',
        { class: 'muted' },
        'Your tokens were revoked. The old token was checked with the emulator’s verification endpoint ',
        h('code', {}, 'POST /emulator/verify-token'),
        '; the refresher fetched a new token.',
      ),
      h('p', {}, 'Old token: ', h('code', {}, abbreviateToken(revocation.oldToken))),
      verdict,
    );
  }

  function tick(): void {
    const current = feed?.current;
    if (current === undefined) return;
    const now = Date.now();
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
    const next = feed?.nextRefreshAt;
    if (next === undefined) {
      delete nextLine.dataset.at;
      nextLine.textContent = '—';
      return;
    }
    nextLine.dataset.at = String(next);
    const who = feed?.leader === false ? 'by the leading tab, ' : '';
    nextLine.textContent = `${who}${formatRelative(next - now)} (${formatTime(new Date(next))})`;
  }

  const timer = setInterval(tick, 1000);
  renderRevocation();
  render();

  return () => {
    clearInterval(timer);
    stopSync();
    stopFeed();
  };
}
