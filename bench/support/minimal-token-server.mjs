// The baseline of the gateway-speed figure: the token server people write today. node:http, one route, the real
// @azure/communication-identity client with its default pipeline, no authentication, no limits, no logs.
// POST /token {"userId":"8:acs:...","scopes":["chat"]} answers {"token","expiresOn"}.
// argv[2]: JSON {connectionString}. The emulator's CA comes from NODE_EXTRA_CA_CERTS, as a user of the SDK would set it.
import { createServer } from 'node:http';
import { CommunicationIdentityClient } from '@azure/communication-identity';

const { connectionString } = JSON.parse(process.argv[2] ?? '{}');
const client = new CommunicationIdentityClient(connectionString);

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/token') {
    res.writeHead(404).end();
    return;
  }
  try {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { userId, scopes } = JSON.parse(body);
    const { token, expiresOn } = await client.getToken({ communicationUserId: userId }, scopes);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expiresOn }));
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/token`, pid: process.pid })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
