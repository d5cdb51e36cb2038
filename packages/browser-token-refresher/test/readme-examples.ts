/**
 * The README's samples, typechecked by `npm run typecheck`. The Calling and Chat SDKs are not dependencies of this
 * repository; the two classes below are declared with the constructor and method signatures those SDKs document.
 */
import type { CommunicationTokenCredential } from '@azure/communication-common';
import { createTokenRefresher } from '../src/index.js';

declare class CallClient {
  createCallAgent(
    credential: CommunicationTokenCredential,
    options?: { displayName?: string },
  ): Promise<unknown>;
}
declare class ChatClient {
  constructor(endpoint: string, credential: CommunicationTokenCredential);
}
declare const myLogin: { getAccessToken(): Promise<string> };
declare const userId: string;
declare function showSignInAgain(): void;
declare function showBanner(text: string, until: number): void;
declare function hideBanner(): void;
declare const gateway: { revokeMyTokens(): Promise<unknown> };
declare const status: { textContent: string };

export async function readme(): Promise<void> {
  const credential = createTokenRefresher({
    url: 'https://tokens.example.com/graphql', // the gateway's GraphQL endpoint
    authorization: async () => `Bearer ${await myLogin.getAccessToken()}`, // your app's own login, asked every time
    scopes: ['voip', 'chat'],
  });

  const callAgent = await new CallClient().createCallAgent(credential, { displayName: 'Alice' });
  const chatClient = new ChatClient('https://<resource>.communication.azure.com', credential);

  credential.on('fatal', () => showSignInAgain());
  credential.on('failed', ({ attempt, nextRetryAt }) =>
    showBanner(`Reconnecting (attempt ${attempt})…`, nextRetryAt),
  );
  credential.on('refreshed', () => hideBanner());

  credential.on('fatal', () => credential.dispose()); // e.g. the app's login expired: sign out
  credential.dispose();

  await gateway.revokeMyTokens();
  const { expiresOnTimestamp } = await credential.refresh();

  const next = credential.nextRefreshAt;
  status.textContent = next === undefined ? '' : `next refresh at ${new Date(next).toLocaleTimeString()}`;

  const custom = createTokenRefresher({
    fetchToken: async ({ signal }) => {
      const res = await fetch('/api/acs-token', { method: 'POST', signal });
      if (res.status === 401) throw Object.assign(new Error('signed out'), { status: 401 });
      if (!res.ok) throw new Error(`token endpoint answered ${res.status}`);
      const { token, expiresOn } = (await res.json()) as { token: string; expiresOn: string };
      return { token, expiresOn, serverTime: res.headers.get('date') ?? undefined };
    },
    channelName: `acs-token:${userId}`,
  });
  void [callAgent, chatClient, custom, expiresOnTimestamp];
}
