import { DemoError } from '../errors.js';
import { h, uid } from './dom.js';
import { normalizeUserName } from './format.js';

/** The signed-out page: sign in as a demo user, and what happens then. */

export function signInCard(
  users: readonly string[],
  busy: boolean,
  signInAs: (user: string) => void,
  refuse: (e: DemoError) => void,
): HTMLElement {
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
      refuse(
        new DemoError('BAD_INPUT', 'A user name is 1 to 64 letters, digits, dots, dashes or underscores.'),
      );
      input.focus();
      return;
    }
    signInAs(name);
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
      ...users.map((user, i) =>
        h(
          'button',
          {
            type: 'button',
            class: i === 0 ? 'primary' : '',
            disabled: busy,
            'data-user': user,
            onclick: () => signInAs(user),
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

export function howItWorksCard(): HTMLElement {
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
