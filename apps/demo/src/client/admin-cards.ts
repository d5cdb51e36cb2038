import { formCard, lifetimeField, resultBox, scopesField, textField, userIdField } from './admin-fields.js';
import { askFirst, describeToken, run } from './admin-results.js';
import type { UserList } from './admin-users.js';
import { h, uid } from './dom.js';
import { formatTime } from './format.js';
import {
  createUser,
  createUserAndToken,
  deleteUser,
  exchangeTeamsToken,
  issueToken,
  lookUpUser,
  parseIdentifier,
  revokeTokens,
} from './gateway.js';

/** The admin view's cards: one per gateway operation, each showing its own outcome. */

export interface AdminContext {
  /** The admin key entered (throws a DemoError when there is none). */
  adminKey(): string;
  users: UserList;
}

export function createUserCard(ctx: AdminContext): HTMLElement {
  const withToken = h('input', { type: 'checkbox', checked: true });
  const scopes = scopesField('create-scopes');
  const lifetime = lifetimeField();
  const customId = textField('Custom id (optional: the same one gives the same user)', {
    placeholder: 'alice@contoso.com',
  });
  return formCard(
    'Create a user',
    'Create',
    [h('label', { class: 'check' }, withToken, 'With a token'), scopes.el, lifetime.el, customId.el],
    (output) =>
      run(output, 'Create a user', async () => {
        const key = ctx.adminKey();
        const custom = customId.read() || undefined;
        const created = withToken.checked
          ? await createUserAndToken(key, scopes.read(), lifetime.read(), custom)
          : await createUser(key, custom);
        ctx.users.remember(created.rawId);
        return {
          rawId: created.rawId,
          ...(created.customId ? { customId: created.customId } : {}),
          ...(created.token ? { token: describeToken(created.token) } : {}),
        };
      }),
  );
}

/** An identity's details by id (`user(id)`): its custom id and when the service last issued a token for it. */
export function lookUpCard(ctx: AdminContext): HTMLElement {
  const user = userIdField();
  return formCard('Look up a user', 'Look up', [user.el], (output) =>
    run(output, 'Look up a user', async () => {
      const found = await lookUpUser(ctx.adminKey(), user.read());
      const at = found.lastTokenIssuedAt;
      return {
        rawId: found.rawId,
        customId: found.customId ?? 'none',
        lastTokenIssuedAt: at ? `${at} (${formatTime(new Date(at))} local)` : 'never',
      };
    }),
  );
}

export function issueTokenCard(ctx: AdminContext): HTMLElement {
  const user = userIdField();
  const scopes = scopesField('issue-scopes');
  const lifetime = lifetimeField();
  return formCard('Issue a token', 'Issue', [user.el, scopes.el, lifetime.el], (output) =>
    run(output, 'Issue a token', async () =>
      describeToken(await issueToken(ctx.adminKey(), user.read(), scopes.read(), lifetime.read())),
    ),
  );
}

/** What the "Revoke or delete" card can do to a user, each after a question, as the CLI asks. */
interface UserOperation {
  button: string;
  question(userId: string): string;
  go: string;
  title: string;
  call(key: string, userId: string): Promise<Record<string, boolean>>;
  state: 'revoked' | 'deleted';
  done(userId: string): string;
}

const USER_OPERATIONS: readonly UserOperation[] = [
  {
    button: 'Revoke tokens',
    question: (userId) => `Revoke every access token of ${userId}?`,
    go: 'Revoke',
    title: 'Revoke tokens',
    call: async (key, userId) => ({ revokeTokens: await revokeTokens(key, userId) }),
    state: 'revoked',
    done: (userId) => `Revoked: every token ${userId} was issued before now is refused.`,
  },
  {
    button: 'Delete user',
    question: (userId) => `Delete the user ${userId} and revoke its tokens?`,
    go: 'Delete',
    title: 'Delete the user',
    call: async (key, userId) => ({ deleteUser: await deleteUser(key, userId) }),
    state: 'deleted',
    done: (userId) => `Deleted ${userId}; its tokens no longer work.`,
  },
];

/** Revoke a user's tokens or delete the user: each asks first, as `acs-identity token revoke` and `user delete` do. */
export function manageCard(ctx: AdminContext): HTMLElement {
  const user = userIdField();
  const output = resultBox();
  const headingId = uid('manage');
  const target = () => ({ key: ctx.adminKey(), userId: user.read() });
  const button = (op: UserOperation) =>
    h(
      'button',
      {
        type: 'button',
        class: op.state === 'deleted' ? 'danger' : undefined,
        onclick: () =>
          askFirst(
            output,
            target,
            ({ userId }) => op.question(userId),
            op.go,
            ({ key, userId }) => {
              const act = async () => {
                const answer = await op.call(key, userId);
                ctx.users.mark(userId, op.state);
                return answer;
              };
              void run(output, op.title, act, () => op.done(userId));
            },
          ),
      },
      op.button,
    );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, 'Revoke or delete'),
    user.el,
    h('div', { class: 'actions' }, ...USER_OPERATIONS.map(button)),
    output,
  );
}

export function parseCard(ctx: AdminContext): HTMLElement {
  const rawId = textField('Raw id', {
    placeholder: '8:acs:…, 4:+14255550123, 8:orgid:…',
    required: 'Enter a raw id to parse.',
  });
  return formCard('Parse a raw id', 'Parse', [rawId.el], (output) =>
    run(output, 'Parse a raw id', async () => parseIdentifier(ctx.adminKey(), rawId.read())),
  );
}

const newGuid = (): string => globalThis.crypto?.randomUUID?.() ?? '';

/**
 * Exchange a Teams user's Entra token for an ACS token. Against the local stack the emulator's Entra stand-in mints
 * the Entra token; the card shows the command, with the user and app ids of its fields.
 */
export function teamsCard(ctx: AdminContext): HTMLElement {
  const missing = 'Enter the Entra token, the application id and the user’s object id.';
  const aadToken = textField('Entra access token of the Teams user', {
    placeholder: 'eyJ…',
    required: missing,
  });
  const appId = textField('Entra application (client) id', {
    placeholder: '00000000-0000-0000-0000-000000000000',
    required: missing,
  });
  const userId = textField('Teams user object id (oid)', {
    placeholder: '00000000-0000-0000-0000-000000000000',
    required: missing,
  });
  appId.input.value = newGuid();
  userId.input.value = newGuid();
  const command = h('pre', { 'data-testid': 'entra-command' });
  const showCommand = () => {
    const oid = userId.input.value.trim() || '<oid>';
    const app = appId.input.value.trim() || '<appid>';
    command.textContent = `npx acs-identity emulator entra token --teams-user ${oid} --app ${app} --query accessToken -o tsv`;
  };
  for (const field of [appId, userId]) field.input.addEventListener('input', showCommand);
  showCommand();
  return formCard(
    'Exchange a Teams token',
    'Exchange',
    [
      h(
        'p',
        { class: 'muted small' },
        'Trades a Teams user’s Entra token (scopes Teams.ManageCalls and Teams.ManageChats) for an ACS token.',
      ),
      h(
        'p',
        { class: 'small' },
        'Against this local stack, the emulator’s Entra stand-in mints the Entra token: run this at the repository ',
        'root (add --data-dir if npm start used another data folder) and paste its output below.',
      ),
      command,
      aadToken.el,
      appId.el,
      userId.el,
      h(
        'p',
        { class: 'muted small' },
        'Against a real ACS resource, the token comes from Microsoft Entra ID (MSAL).',
      ),
    ],
    (output) =>
      run(output, 'Exchange a Teams token', async () => {
        const input = { aadToken: aadToken.read(), appId: appId.read(), userId: userId.read() };
        return describeToken(await exchangeTeamsToken(ctx.adminKey(), input));
      }),
  );
}
