import { h, replaceChildren } from './dom.js';
import type { FeedEvent, TokenFeed } from './feed.js';
import { formatRelative, formatTime } from './format.js';

/** "Token refresher": which tab refreshes, the refresher's state, its next request and its event log. */

const EVENT_BADGES: Record<FeedEvent['type'], string> = {
  refreshed: 'ok',
  leader: 'ok',
  info: 'ok',
  revoked: 'warn',
  retrying: 'warn',
  failed: 'warn',
  expired: 'bad',
  fatal: 'bad',
};

export interface RefresherCard {
  readonly el: HTMLElement;
  render(feed: TokenFeed): void;
  /** Updates the time to the next refresh (every second). */
  tick(feed: TokenFeed, now: number): void;
}

export function createRefresherCard(): RefresherCard {
  const el = h('section', { class: 'card', 'aria-labelledby': 'refresher-title' });
  const leaderBox = h('p', { class: 'leader', 'data-testid': 'leader', role: 'status' });
  const stateLine = h('dd', { 'data-testid': 'refresher-state' });
  const nextLine = h('dd', { 'data-testid': 'next-refresh' });
  const log = h('ol', { class: 'log', 'aria-label': 'Refresher events', 'data-testid': 'event-log' });
  replaceChildren(
    el,
    h('h2', { id: 'refresher-title' }, 'Token refresher'),
    leaderBox,
    h('dl', { class: 'facts' }, h('dt', {}, 'State'), stateLine, h('dt', {}, 'Next refresh'), nextLine),
    h('h3', {}, 'Events'),
    log,
  );
  return {
    el,
    render(feed) {
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
      replaceChildren(
        log,
        ...[...feed.events]
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
      if (feed.events.length === 0) log.append(h('li', {}, h('span', { class: 'muted' }, 'No events yet.')));
    },
    tick(feed, now) {
      const next = feed.nextRefreshAt;
      if (next === undefined) {
        delete nextLine.dataset.at;
        nextLine.textContent = '—';
        return;
      }
      nextLine.dataset.at = String(next);
      const who = feed.leader === false ? 'by the leading tab, ' : '';
      nextLine.textContent = `${who}${formatRelative(next - now)} (${formatTime(new Date(next))})`;
    },
  };
}
