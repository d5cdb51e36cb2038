import { DemoError } from '../errors.js';
import { mountAdminView } from './admin-view.js';
import { type DemoConfig, getConfig, getStatus } from './api.js';
import { h, replaceChildren } from './dom.js';
import { createFeed } from './refresher.js';
import { clearServiceProblem, onServiceProblem, renderStatus, showProblem } from './shell.js';
import { mountUserView } from './user-view.js';

/** Boots the demo: reads the server's configuration, mounts both views, routes on the URL hash, polls health. */

const STATUS_POLL_MS = 10_000;

let polling: Promise<void> | undefined;

/** Asks the demo server which services answer, and keeps the status chips and the service banner accurate. */
function pollStatus(): Promise<void> {
  polling ??= checkStatus().finally(() => {
    polling = undefined;
  });
  return polling;
}

async function checkStatus(): Promise<void> {
  try {
    const status = await getStatus();
    renderStatus(status);
    if (status.gateway !== 'up') {
      const detail =
        status.gateway === 'absent' ? 'This stack runs no gateway.' : 'The gateway is not answering.';
      showProblem(new DemoError('GATEWAY_DOWN', detail), { from: 'status' });
    } else if (status.emulator !== 'up') {
      const detail =
        status.emulator === 'absent' ? 'This stack runs no emulator.' : 'The ACS emulator is not answering.';
      showProblem(new DemoError('EMULATOR_DOWN', detail), { from: 'status' });
    } else {
      clearServiceProblem();
    }
  } catch (e) {
    renderStatus(undefined);
    showProblem(e, { from: 'status' });
  }
}

function route(views: Record<'user' | 'admin', HTMLElement>): void {
  const name = location.hash.startsWith('#/admin') ? 'admin' : 'user';
  for (const [key, el] of Object.entries(views)) el.hidden = key !== name;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = name === 'admin' ? 'Admin · acs-identity demo' : 'My token · acs-identity demo';
}

async function boot(): Promise<void> {
  const main = document.getElementById('main');
  if (main === null) return;
  renderStatus(undefined);
  let config: DemoConfig;
  try {
    config = await getConfig();
  } catch (e) {
    showProblem(e, { from: 'status', action: { label: 'Reload', run: () => location.reload() } });
    return;
  }
  const userView = h('div', { class: 'view', 'data-view': 'user' });
  const adminView = h('div', { class: 'view', 'data-view': 'admin', hidden: true });
  replaceChildren(main, userView, adminView);
  mountUserView(userView, { config, createFeed: (signIn) => createFeed(signIn, config) });
  mountAdminView(adminView, config);
  const views = { user: userView, admin: adminView };
  window.addEventListener('hashchange', () => route(views));
  route(views);
  onServiceProblem(() => void pollStatus());
  void pollStatus();
  setInterval(() => void pollStatus(), STATUS_POLL_MS);
}

void boot();
