import { DemoError } from '../errors.js';
import {
  createUserCard,
  issueTokenCard,
  lookUpCard,
  manageCard,
  parseCard,
  teamsCard,
} from './admin-cards.js';
import { createUserList } from './admin-users.js';
import type { DemoConfig } from './api.js';
import { h, replaceChildren, uid } from './dom.js';

/** The admin view: every gateway operation with a development admin key. */

function keyCard(config: DemoConfig, keyInput: HTMLInputElement, users: HTMLElement): HTMLElement {
  const keyId = keyInput.id;
  return h(
    'section',
    { class: 'card wide', 'aria-labelledby': 'admin-key-title' },
    h('h2', { id: 'admin-key-title' }, 'Administrator'),
    h(
      'form',
      { class: 'row', onsubmit: (event: Event) => event.preventDefault() },
      h('input', { type: 'text', name: 'username', value: 'admin', autocomplete: 'username', hidden: true }),
      h('div', { class: 'grow' }, h('label', { for: keyId }, 'Admin key'), keyInput),
      h(
        'button',
        {
          type: 'button',
          'aria-controls': keyId,
          onclick: (event: Event) => {
            const shown = keyInput.type === 'text';
            keyInput.type = shown ? 'password' : 'text';
            (event.currentTarget as HTMLButtonElement).textContent = shown ? 'Show' : 'Hide';
          },
        },
        'Show',
      ),
    ),
    h(
      'p',
      { id: `${keyId}-hint`, class: 'muted small' },
      config.adminKey === undefined
        ? 'Enter one of the gateway’s admin keys (GATEWAY_ADMIN_KEYS).'
        : 'Filled in with the development admin key npm start generated. Admin keys may call every operation.',
    ),
    h('h3', {}, 'Users created here'),
    users,
  );
}

export function mountAdminView(main: HTMLElement, config: DemoConfig): void {
  const keyId = uid('admin-key');
  const keyInput = h('input', {
    id: keyId,
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    value: config.adminKey ?? '',
    'aria-describedby': `${keyId}-hint`,
  });
  const users = createUserList((rawId) => {
    for (const input of main.querySelectorAll<HTMLInputElement>('input[data-user-id]')) input.value = rawId;
  });
  const ctx = {
    adminKey() {
      const key = keyInput.value.trim();
      if (key === '') throw new DemoError('BAD_INPUT', 'Enter an admin key first.');
      return key;
    },
    users,
  };
  replaceChildren(
    main,
    h(
      'div',
      { class: 'view-intro' },
      h('h1', {}, 'Admin'),
      h('p', { class: 'muted' }, 'Every identity operation of the gateway, authorised by an admin key.'),
    ),
    keyCard(config, keyInput, users.el),
    createUserCard(ctx),
    issueTokenCard(ctx),
    lookUpCard(ctx),
    manageCard(ctx),
    parseCard(ctx),
    teamsCard(ctx),
  );
}
