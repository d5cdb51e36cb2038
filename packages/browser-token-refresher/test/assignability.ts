/**
 * Type test, checked by `npm run typecheck`: the refresher is a drop-in `CommunicationTokenCredential` for the ACS
 * Calling and Chat SDKs, and takes their abort signals.
 */
import type { CommunicationGetTokenOptions, CommunicationTokenCredential } from '@azure/communication-common';
import { type AccessToken, createTokenRefresher, type TokenRefresher } from '../src/index.js';

const refresher = createTokenRefresher({ url: '/graphql', authorization: () => 'Bearer app-login' });
export const credential: CommunicationTokenCredential = refresher;
export const asInterface: CommunicationTokenCredential = {} as TokenRefresher;

declare const sdkSignal: NonNullable<CommunicationGetTokenOptions['abortSignal']>;
export const fromSdk: Promise<AccessToken> = refresher.getToken({ abortSignal: sdkSignal });
export const fromDom: Promise<AccessToken> = refresher.getToken({
  abortSignal: new AbortController().signal,
});

// What the SDK's credential resolves is what ours resolves.
type SdkAccessToken = Awaited<ReturnType<CommunicationTokenCredential['getToken']>>;
export const sameShape: SdkAccessToken = {} as AccessToken;

// @ts-expect-error: a refresher without dispose() would not be a credential.
export const notACredential: CommunicationTokenCredential = { getToken: refresher.getToken };
