import { DemoError } from '../errors.js';
import { type DemoConfig, devSignIn, verifyToken } from './api.js';
import { h, replaceChildren } from './dom.js';
import type { FeedToken, TokenFeed } from './feed.js';
import { myIdentity, revokeMyTokens } from './gateway.js';
import { type IdentityFacts, renderIdentity } from './identity-card.js';
import { createRefresherCard } from './refresher-card.js';
import { type Revocation, renderRevocation } from './revocation-card.js';
import { clearSignIn, loadSignIn, onSignInChange, type SignIn, saveSignIn } from './session.js';
import { clearProblem, showProblem } from './shell.js';
import { howItWorksCard, signInCard } from './sign-in-card.js';
import { createTokenCard, decode } from './token-card.js';

/** "My token": sign in as a demo user, watch the token the refresher keeps fresh, refresh, revoke, sign out. */

export interface UserViewDeps {
  config: DemoConfig;
  createFeed(signIn: SignIn): TokenFeed;
}

export function mountUserView(main: HTMLElement, deps: UserViewDeps): () => void {
  let signIn = loadSignIn();
  let feed: TokenFeed | undefined;
  let unsubscribe: (() => void) | undefined;
  let revocation: Revocation | undefined;
  let busy = false;
  /** The token the cards show; null until they show anything. */
  let lastTokenShown: string | undefined | null = null;
  /** What the gateway said of the identity after the token shown was issued. */
  let identityFacts: IdentityFacts = { state: 'loading' };

  const identityCard = h('section', { class: 'card wide identity', 'aria-labelledby': 'identity-title' });
  const revocationCard = h('section', { class: 'card wide', 'aria-labelledby': 'revocation-title' });
  const tokenCard = createTokenCard({ refresh: () => void refreshNow(), revoke: () => void revoke() });
  const refresherCard = createRefresherCard();

  function stopFeed(): void {
    unsubscribe?.();
    unsubscribe = undefined;
    feed?.dispose();
    feed = undefined;
    lastTokenShown = null;
    identityFacts = { state: 'loading' };
  }

  function signOut(): void {
    stopFeed();
    clearSignIn();
    signIn = undefined;
    revocation = undefined;
    render();
  }

  async function signInAs(user: string): Promise<void> {
    if (busy) return;
    busy = true;
    render();
    try {
      signIn = { user, token: await devSignIn(user) };
      saveSignIn(signIn);
      clearProblem();
    } catch (e) {
      showProblem(e);
    } finally {
      busy = false;
      render();
    }
  }

  async function refreshNow(): Promise<void> {
    try {
      await feed?.refreshNow();
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
    feed.note(
      'revoked',
      'Your tokens were revoked (revokeMyTokens): every token issued before now is refused.',
    );
    if (oldToken !== undefined) {
      revocation = { oldToken, verification: undefined, error: undefined };
      renderRevocation(revocationCard, revocation);
      try {
        revocation.verification = await verifyToken(oldToken);
      } catch (e) {
        revocation.error = e instanceof Error ? e.message : String(e);
      }
      renderRevocation(revocationCard, revocation);
    }
    // Tokens issued before the revocation are dead: get a new one at once.
    await refreshNow();
  }

  function render(): void {
    if (signIn === undefined) {
      stopFeed();
      replaceChildren(
        main,
        signInCard(deps.config.demoUsers, busy, (user) => void signInAs(user), showProblem),
        howItWorksCard(),
      );
      return;
    }
    if (feed === undefined) {
      feed = deps.createFeed(signIn);
      unsubscribe = feed.subscribe(() => update());
    }
    replaceChildren(main, identityCard, tokenCard.el, refresherCard.el, revocationCard);
    renderRevocation(revocationCard, revocation);
    update();
  }

  /** The identity card for the token shown: times corrected by the skew the refresher measured. */
  function showIdentity(user: string, current: FeedToken | undefined): void {
    const decoded = current && decode(current.token);
    const skew = current && decoded ? current.expiresOnTimestamp - decoded.expiresOnTimestamp : 0;
    renderIdentity(identityCard, user, decoded, identityFacts, skew, signOut);
  }

  /**
   * Asks the gateway for the identity's custom id and last issue time (`me`) once a new token is shown; a later token
   * or a sign-out makes the answer stale, and it is dropped.
   */
  async function readIdentity(bearer: string, token: string | undefined): Promise<void> {
    let facts: IdentityFacts;
    try {
      facts = { state: 'read', details: await myIdentity(bearer) };
    } catch (e) {
      facts = { state: 'failed', message: e instanceof Error ? e.message : String(e) };
    }
    if (signIn?.token !== bearer || lastTokenShown !== token) return;
    identityFacts = facts;
    showIdentity(signIn.user, feed?.current);
  }

  function update(): void {
    if (signIn === undefined || feed === undefined) return;
    if (feed.signInRejected) {
      // Straight from inside the refresher's `fatal` event: it has told the other tabs already, and disposing it from
      // a listener is safe.
      stopFeed();
      clearSignIn();
      signIn = undefined;
      showProblem(new DemoError('UNAUTHENTICATED', 'The gateway no longer accepts your sign-in.'));
      render();
      return;
    }
    const current = feed.current;
    if (current?.token !== lastTokenShown) {
      lastTokenShown = current?.token;
      showIdentity(signIn.user, current);
      tokenCard.render(current);
      if (current !== undefined) void readIdentity(signIn.token, current.token);
    }
    refresherCard.render(feed);
    tick();
  }

  function tick(): void {
    if (feed === undefined) return;
    const now = Date.now();
    tokenCard.tick(feed.current, now);
    if (feed.current !== undefined) refresherCard.tick(feed, now);
  }

  const stopSync = onSignInChange((next) => {
    if (next?.token === signIn?.token) return;
    stopFeed();
    signIn = next;
    revocation = undefined;
    render();
  });
  const timer = setInterval(tick, 1000);
  render();

  return () => {
    clearInterval(timer);
    stopSync();
    stopFeed();
  };
}
