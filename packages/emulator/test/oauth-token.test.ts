/**
 * The local Entra stand-in's OAuth 2.0 token endpoint: `@azure/identity`'s own `ClientSecretCredential` and
 * `UsernamePasswordCredential` (MSAL inside) get tokens from it over HTTPS, unchanged but for `authorityHost` and
 * `disableInstanceDiscovery`, and the real `CommunicationIdentityClient` uses the app token; every refusal is Entra's
 * OAuth error, and no secret or password is logged or stored in clear.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommunicationIdentityClient } from '@azure/communication-identity';
import { ClientSecretCredential, UsernamePasswordCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEntraApp, registerEntraUser } from '../src/index.js';
import { decodeToken } from '../src/tokens.js';
import { type RawResponse, rawRequest, startTestEmulator, type TestEmulator } from './support.js';
import {
  call,
  type ExchangeBody,
  exchange,
  PREVIEW,
  TEAMS_EXTENSION_VERSION,
  teamsAssignmentPath,
} from './support-access.js';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(async () => {
  await t?.close();
});

const DATA_PLANE = 'https://communication.azure.com/.default';
const TEAMS_EXTENSION = 'https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls';
const ENTRA_VOIP = 'https://communication.azure.com/clients/VoIP';

/** What every credential of these tests is given besides its own arguments. */
function credentialOptions() {
  return {
    authorityHost: t.emulator.entra.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: t.ca },
  };
}

/** The claims of a JWT, unverified. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** `@azure/identity`'s UsernamePasswordCredential for a registered user, through a registered application. */
function signIn(
  app: { tenantId: string; appId: string },
  user: { username: string; password: string },
): UsernamePasswordCredential {
  return new UsernamePasswordCredential(
    app.tenantId,
    app.appId,
    user.username,
    user.password,
    credentialOptions(),
  );
}

const tokenRequests = () => t.logs.filter((l) => l.operation === 'entraToken').length;

describe('ClientSecretCredential of @azure/identity', () => {
  it('gets an app token that the real CommunicationIdentityClient uses once its application has a role', async () => {
    const app = await t.emulator.registerEntraApp();
    const credential = new ClientSecretCredential(app.tenantId, app.appId, app.secret, credentialOptions());
    const { token } = await credential.getToken(DATA_PLANE);
    expect(claimsOf(token)).toMatchObject({
      aud: 'https://communication.azure.com',
      iss: `${t.info.endpoint}entra/${app.tenantId}/v2.0`,
      appid: app.appId,
      oid: app.servicePrincipalId,
      tid: app.tenantId,
      idtyp: 'app',
    });
    const client = new CommunicationIdentityClient(t.info.endpoint, credential, {
      tlsOptions: { ca: t.ca },
      retryOptions: { maxRetries: 0 },
    });
    await expect(client.createUser()).rejects.toMatchObject({ statusCode: 403 });
    await t.emulator.assignRole(app.appId);
    const user = await client.createUser();
    expect(user.communicationUserId).toMatch(new RegExp(`^8:acs:${t.info.resourceId}_`));
    const { token: acsToken } = await client.getToken(user, ['chat']);
    expect(decodeToken(acsToken)?.claims.skypeid).toBe(user.communicationUserId.slice(2));
  });

  it("is refused with Entra's errors for a wrong secret, an unknown application and a tenant it is not registered in", async () => {
    const app = await t.emulator.registerEntraApp({ secret: 'the-right-secret' });
    const options = credentialOptions();
    const wrongSecret = new ClientSecretCredential(app.tenantId, app.appId, 'a-wrong-secret', options);
    await expect(wrongSecret.getToken(DATA_PLANE)).rejects.toThrow(/invalid_client.*AADSTS7000215/s);
    const unknown = new ClientSecretCredential(app.tenantId, randomUUID(), 'the-right-secret', options);
    await expect(unknown.getToken(DATA_PLANE)).rejects.toThrow(/unauthorized_client.*AADSTS700016/s);
    const otherTenant = new ClientSecretCredential(randomUUID(), app.appId, 'the-right-secret', options);
    await expect(otherTenant.getToken(DATA_PLANE)).rejects.toThrow(/AADSTS700016/);
  });

  it('signs in an application registered through the data folder while the emulator runs', async () => {
    const tenantId = randomUUID();
    const app = await registerEntraApp({ dataDir: t.info.dataDir }, { tenantId, secret: 's3cret!' });
    expect(app).toMatchObject({ tenantId, secret: 's3cret!' });
    const credential = new ClientSecretCredential(tenantId, app.appId, 's3cret!', credentialOptions());
    const { token } = await credential.getToken('https://management.azure.com/.default');
    expect(claimsOf(token)).toMatchObject({ aud: 'https://management.azure.com', tid: tenantId });
    const again = await registerEntraApp({ dataDir: t.info.dataDir }, { appId: app.appId, tenantId });
    expect(again.secret).not.toBe('s3cret!');
    const old = new ClientSecretCredential(tenantId, app.appId, 's3cret!', credentialOptions());
    await expect(old.getToken(DATA_PLANE)).rejects.toThrow(/AADSTS7000215/);
  });

  it('signs a multi-tenant application in to each tenant it is registered in, with its service principal there', async () => {
    const [home, customer] = [randomUUID(), randomUUID()];
    const inHome = await t.emulator.registerEntraApp({ tenantId: home, secret: 'shared' });
    const inCustomer = await t.emulator.registerEntraApp({
      appId: inHome.appId,
      tenantId: customer,
      secret: 'shared',
    });
    expect(inCustomer.servicePrincipalId).not.toBe(inHome.servicePrincipalId);
    for (const { tenantId, servicePrincipalId } of [inHome, inCustomer]) {
      const credential = new ClientSecretCredential(tenantId, inHome.appId, 'shared', credentialOptions());
      const { token } = await credential.getToken(DATA_PLANE);
      expect(claimsOf(token)).toMatchObject({ tid: tenantId, oid: servicePrincipalId, appid: inHome.appId });
    }
  });
});

describe('UsernamePasswordCredential of @azure/identity', () => {
  it('gets Teams Extension and Entra user tokens the exchanges accept, with tid, oid, appid and scp', async () => {
    const tenantId = randomUUID();
    const app = await t.emulator.registerEntraApp({ tenantId });
    const user = await t.emulator.registerEntraUser({
      username: `alice-${randomUUID()}@contoso.example`,
      tenantId,
    });
    const credential = new UsernamePasswordCredential(
      tenantId,
      app.appId,
      user.username.toUpperCase(),
      user.password,
      credentialOptions(),
    );
    const teams = await credential.getToken(TEAMS_EXTENSION);
    const common = { appid: app.appId, oid: user.objectId, tid: tenantId, idtyp: 'user' };
    expect(claimsOf(teams.token)).toMatchObject({
      ...common,
      aud: 'https://auth.msft.communication.azure.com',
      scp: 'TeamsExtension.ManageCalls',
    });
    const entra = await credential.getToken(ENTRA_VOIP);
    expect(claimsOf(entra.token)).toMatchObject({
      ...common,
      aud: 'https://communication.azure.com/clients',
      scp: 'VoIP',
    });
    const all = await credential.getToken('https://communication.azure.com/clients/.default');
    expect(claimsOf(all.token).scp).toBe('VoIP VoIP.Join Chat Chat.Join Chat.Join.Limited');

    const assigned = { principalType: 'user', clientIds: [app.appId] };
    expect(
      (await call(t, 'PUT', teamsAssignmentPath(tenantId, user.objectId), TEAMS_EXTENSION_VERSION, assigned))
        .status,
    ).toBe(201);
    const entraAssignment = { tenantId, ...assigned };
    expect(
      (await call(t, 'PUT', `/access/entra/assignments/${user.objectId}`, PREVIEW, entraAssignment)).status,
    ).toBe(201);
    const teamsAnswer = await exchange(t, 'teamsExtension', teams.token);
    expect((teamsAnswer.json as ExchangeBody).identity.id).toBe(
      `8:acs:${t.info.resourceId}_${tenantId}_${user.objectId}`,
    );
    const entraAnswer = await exchange(t, 'entra', entra.token);
    expect((entraAnswer.json as ExchangeBody).identity.id).toBe(
      `8:acs:${t.info.resourceId}_wf_${tenantId}_${user.objectId}`,
    );
  });

  it("keeps MSAL's cache working: an ID token and client_info come back, so a second getToken asks nothing", async () => {
    const app = await t.emulator.registerEntraApp();
    const user = await t.emulator.registerEntraUser({ username: `bob-${randomUUID()}@contoso.example` });
    const credential = signIn(app, user);
    const first = await credential.getToken(TEAMS_EXTENSION);
    const asked = tokenRequests();
    const second = await credential.getToken(TEAMS_EXTENSION);
    expect(second.token).toBe(first.token);
    expect(tokenRequests()).toBe(asked);
  });

  it('puts the groups of a registered user in its Entra user tokens (group assignments)', async () => {
    const group = randomUUID();
    const app = await t.emulator.registerEntraApp();
    const user = await t.emulator.registerEntraUser({
      username: `carol-${randomUUID()}@contoso.example`,
      groups: [group],
    });
    const credential = signIn(app, user);
    expect(claimsOf((await credential.getToken(ENTRA_VOIP)).token).groups).toEqual([group]);
    expect(claimsOf((await credential.getToken(TEAMS_EXTENSION)).token).groups).toBeUndefined();
  });

  it("is refused with Entra's errors for an unknown user, a wrong password and an unknown application", async () => {
    const app = await t.emulator.registerEntraApp();
    const user = await t.emulator.registerEntraUser({
      username: `dan-${randomUUID()}@contoso.example`,
      password: 'right',
    });
    const as = (appId: string, username: string, password: string, tenantId = app.tenantId) =>
      new UsernamePasswordCredential(tenantId, appId, username, password, credentialOptions()).getToken(
        ENTRA_VOIP,
      );
    await expect(as(app.appId, 'nobody@contoso.example', 'right')).rejects.toThrow(
      /invalid_grant.*AADSTS50034/s,
    );
    await expect(as(app.appId, user.username, 'wrong')).rejects.toThrow(/invalid_grant.*AADSTS50126/s);
    await expect(as(randomUUID(), user.username, 'right')).rejects.toThrow(
      /unauthorized_client.*AADSTS700016/s,
    );
    const otherTenant = randomUUID();
    await t.emulator.registerEntraApp({ appId: app.appId, tenantId: otherTenant });
    await expect(as(app.appId, user.username, 'right', otherTenant)).rejects.toThrow(
      /invalid_grant.*AADSTS50034/s,
    );
    await expect(as(app.appId, user.username, 'right')).resolves.toMatchObject({ token: expect.any(String) });
  });
});

const CORRELATION = '0d4c9f0e-2f7a-4c1e-9a55-3f2b8c6d7e10';

/** A raw POST to the token endpoint, form-encoded unless told otherwise. */
function tokenRequest(
  form: Record<string, string> | string,
  tenantId = t.emulator.entra.tenantId,
  contentType = 'application/x-www-form-urlencoded',
): Promise<RawResponse> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return rawRequest(
    t,
    'POST',
    `/entra/${tenantId}/oauth2/v2.0/token?client-request-id=${CORRELATION}`,
    { 'content-type': contentType },
    Buffer.from(body),
  );
}

/** Status, `error` and the first line of `error_description` of an OAuth error answer. */
function refusal(res: RawResponse): string {
  const body = res.json as { error?: string; error_description?: string };
  return `${res.status} ${body.error} ${body.error_description?.split('\r\n')[0]}`;
}

describe('the token endpoint on the wire', () => {
  it("answers each grant with Entra's fields, never cached", async () => {
    const app = await t.emulator.registerEntraApp({ secret: 'wire-secret' });
    const user = await t.emulator.registerEntraUser({
      username: `erin-${randomUUID()}@contoso.example`,
      password: 'pw',
    });
    const appToken = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: 'wire-secret',
      scope: DATA_PLANE,
    });
    expect(appToken.status).toBe(200);
    expect(appToken.headers['cache-control']).toBe('no-store');
    expect(Object.keys(appToken.json as object)).toEqual([
      'token_type',
      'expires_in',
      'ext_expires_in',
      'access_token',
    ]);
    expect(appToken.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const userToken = await tokenRequest({
      grant_type: 'password',
      client_id: app.appId,
      username: user.username,
      password: 'pw',
      scope: `${TEAMS_EXTENSION} openid profile offline_access`,
      client_info: '1',
    });
    const body = userToken.json as Record<string, string>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: `${TEAMS_EXTENSION} openid profile`,
      expires_in: 3600,
    });
    expect(body.refresh_token).toBeUndefined();
    expect(JSON.parse(Buffer.from(body.client_info ?? '', 'base64url').toString())).toEqual({
      uid: user.objectId,
      utid: user.tenantId,
    });
    expect(claimsOf(body.id_token ?? '')).toMatchObject({
      aud: app.appId,
      iss: `${t.info.endpoint}entra/${user.tenantId}/v2.0`,
      oid: user.objectId,
      tid: user.tenantId,
      preferred_username: user.username,
      name: user.username.split('@')[0],
      ver: '2.0',
    });
  });

  it("answers every refusal in Entra's OAuth shape, with the AADSTS code and status of each", async () => {
    const tenantId = '6a1f0c55-3e0b-4d7e-9b1a-2c3d4e5f6a7b';
    const appId = '2cd2c9b4-a34f-432e-a960-f3ea7a11f585';
    await t.emulator.registerEntraApp({ appId, tenantId, secret: 'sesame' });
    await t.emulator.registerEntraUser({ username: 'frank@contoso.example', password: 'pw', tenantId });
    const app = { client_id: appId, scope: DATA_PLANE };
    const confidential = { grant_type: 'client_credentials', ...app, client_secret: 'sesame' };
    const password = {
      grant_type: 'password',
      client_id: appId,
      username: 'frank@contoso.example',
      password: 'pw',
    };
    const forms: (Record<string, string> | string)[] = [
      { client_id: appId, scope: DATA_PLANE },
      `grant_type=client_credentials&grant_type=password&client_id=${appId}`,
      { grant_type: 'authorization_code', ...app },
      { grant_type: 'client_credentials', scope: DATA_PLANE },
      { grant_type: 'client_credentials', client_id: appId },
      { grant_type: 'client_credentials', ...app },
      { ...confidential, client_secret: 'open' },
      { ...confidential, client_id: 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f' },
      { ...confidential, scope: ENTRA_VOIP },
      { ...confidential, scope: 'VoIP' },
      { ...password, scope: `${ENTRA_VOIP} ${TEAMS_EXTENSION}` },
      { ...password, scope: 'https://auth.msft.communication.azure.com/Teams.Everything' },
      { ...password, scope: DATA_PLANE },
      { ...password, password: '', scope: ENTRA_VOIP },
      { ...password, password: 'wrong', scope: ENTRA_VOIP },
      { ...password, username: 'nobody@contoso.example', scope: ENTRA_VOIP },
      { ...password, client_secret: 'open', scope: ENTRA_VOIP },
    ];
    const answers = [];
    for (const form of forms) answers.push(await tokenRequest(form, tenantId));
    answers.push(
      await tokenRequest({ ...password, scope: ENTRA_VOIP }, '9e8d7c6b-5a49-4382-b1c0-f9e8d7c6b5a4'),
    );
    answers.push(await tokenRequest('{"grant_type":"password"}', tenantId, 'application/json'));
    expect(answers.map(refusal)).toMatchInlineSnapshot(`
      [
        "400 invalid_request AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
        "400 invalid_request AADSTS9000411: The request is not properly formatted. The parameter 'grant_type' is duplicated.",
        "400 unsupported_grant_type AADSTS70003: The app requested an unsupported grant type 'authorization_code'. The emulator's token endpoint supports client_credentials (ClientSecretCredential) and password (UsernamePasswordCredential).",
        "400 invalid_request AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        "400 invalid_request AADSTS900144: The request body must contain the following parameter: 'scope'.",
        "401 invalid_client AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        "401 invalid_client AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '2cd2c9b4-a34f-432e-a960-f3ea7a11f585'.",
        "400 unauthorized_client AADSTS700016: Application with identifier 'f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f' was not found in the directory '6a1f0c55-3e0b-4d7e-9b1a-2c3d4e5f6a7b'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. Register it with the emulator: registerEntraApp({ appId, tenantId }).",
        "400 invalid_scope AADSTS1002012: The provided value for scope https://communication.azure.com/clients/VoIP is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
        "400 invalid_scope AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope VoIP is not valid.",
        "400 invalid_scope AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource. Scope https://communication.azure.com/clients/VoIP https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls is not valid.",
        "400 invalid_scope AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope https://auth.msft.communication.azure.com/Teams.Everything is not valid.",
        "400 invalid_resource AADSTS500011: The resource principal named https://communication.azure.com was not found in the tenant named 6a1f0c55-3e0b-4d7e-9b1a-2c3d4e5f6a7b. The emulator's password grant gives user tokens for https://auth.msft.communication.azure.com and https://communication.azure.com/clients.",
        "400 invalid_request AADSTS900144: The request body must contain the following parameter: 'password'.",
        "400 invalid_grant AADSTS50126: Error validating credentials due to invalid username or password.",
        "400 invalid_grant AADSTS50034: The user account {EmailHidden} does not exist in the 6a1f0c55-3e0b-4d7e-9b1a-2c3d4e5f6a7b directory. To sign into this application, the account must be added to the directory. Register it with the emulator: registerEntraUser({ username, password, tenantId }).",
        "401 invalid_client AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '2cd2c9b4-a34f-432e-a960-f3ea7a11f585'.",
        "400 unauthorized_client AADSTS700016: Application with identifier '2cd2c9b4-a34f-432e-a960-f3ea7a11f585' was not found in the directory '9e8d7c6b-5a49-4382-b1c0-f9e8d7c6b5a4'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant. Register it with the emulator: registerEntraApp({ appId, tenantId }).",
        "400 invalid_request AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
      ]
    `);
    for (const res of answers) {
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it("writes the error body as Entra does: trace lines, error_codes, the client's request id as correlation id", async () => {
    const res = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: randomUUID(),
      client_secret: 'x',
      scope: DATA_PLANE,
    });
    const body = res.json as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'error',
      'error_description',
      'error_codes',
      'timestamp',
      'trace_id',
      'correlation_id',
    ]);
    const timestamp = `${new Date(t.clock.now).toISOString().slice(0, 19).replace('T', ' ')}Z`;
    expect(body).toMatchObject({
      error_codes: [700016],
      timestamp,
      correlation_id: CORRELATION,
      trace_id: res.headers['x-ms-request-id'],
    });
    expect(String(body.error_description).split('\r\n').slice(1)).toEqual([
      `Trace ID: ${String(res.headers['x-ms-request-id'])}`,
      `Correlation ID: ${CORRELATION}`,
      `Timestamp: ${timestamp}`,
    ]);
  });

  it('answers the advertised authorization endpoint with an OAuth error: there is no interactive sign-in', async () => {
    const res = await rawRequest(
      t,
      'GET',
      `/entra/${t.emulator.entra.tenantId}/oauth2/v2.0/authorize?response_type=code`,
      {},
    );
    expect(refusal(res)).toMatchInlineSnapshot(
      `"400 unsupported_response_type The emulator's local Entra ID has no interactive sign-in. Get tokens from its token endpoint: client_credentials (ClientSecretCredential) and password (UsernamePasswordCredential)."`,
    );
  });

  it('never logs a client secret or a password, and stores only their salted hashes', async () => {
    const secret = `secret-${randomUUID()}`;
    const password = `password-${randomUUID()}`;
    const app = await t.emulator.registerEntraApp({ secret });
    const user = await t.emulator.registerEntraUser({
      username: `gina-${randomUUID()}@contoso.example`,
      password,
    });
    await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: secret,
      scope: DATA_PLANE,
    });
    await tokenRequest({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: `${secret}x`,
      scope: DATA_PLANE,
    });
    await tokenRequest({
      grant_type: 'password',
      client_id: app.appId,
      username: user.username,
      password,
      scope: ENTRA_VOIP,
    });
    await tokenRequest({
      grant_type: 'password',
      client_id: app.appId,
      username: user.username,
      password: `${password}x`,
      scope: ENTRA_VOIP,
    });
    const logged = JSON.stringify(t.logs);
    const files = (await readdir(t.info.dataDir)).filter((f) => f.startsWith('emulator.sqlite'));
    expect(files).toContain('emulator.sqlite-wal');
    const stored = Buffer.concat(await Promise.all(files.map((f) => readFile(join(t.info.dataDir, f)))));
    for (const value of [secret, password]) {
      expect(logged).not.toContain(value);
      expect(stored.includes(value)).toBe(false);
    }
  });
});

describe('registering applications and users', () => {
  it('refuses what is not an application or a user, saying what to fix', async () => {
    const state = { dataDir: t.info.dataDir };
    await expect(registerEntraApp(state, { appId: 'my-app' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'appId must be a GUID; got my-app.',
    });
    await expect(registerEntraApp(state, { secret: '' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'The client secret must be 1 to 256 printable characters.',
    });
    await expect(registerEntraUser(state, { username: 'alice' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'A user needs username, a user principal name such as alice@contoso.example; got alice.',
    });
    await expect(
      t.emulator.registerEntraUser({ username: 'a@b.example', groups: ['admins'] }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});
