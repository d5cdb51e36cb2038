// The README's TypeScript example, kept here so `npm run typecheck` compiles it (test/readme.test.ts compares).
import { createServer } from 'node:http';
import { createGateway, startGateway } from '../src/index.js';

// Listen (what `acs-identity gateway start` does); env variables fill whatever is not given here.
const running = await startGateway({ port: 4000, handleSignals: true });
console.log(`GraphQL at ${running.graphqlUrl}`);

// Or mount the yoga instance on your own server, or call it in-process in tests.
const gateway = await createGateway({ adminKeys: [process.env.MY_ADMIN_KEY ?? ''] });
createServer(gateway.yoga).listen(4001);
const response = await gateway.fetch('http://gateway/healthz');
console.log(`healthz: ${response.status}`);
