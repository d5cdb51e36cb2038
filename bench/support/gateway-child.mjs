// Starts a gateway in this process for a benchmark and prints its URLs as one JSON line on stdout.
// argv[2]: JSON options for startGateway.
import { startGateway } from '@acs-identity/graphql';

const options = JSON.parse(process.argv[2] ?? '{}');
const gateway = await startGateway({ ...options, logSink: () => {} });
process.stdout.write(
  `${JSON.stringify({ url: gateway.url, graphqlUrl: gateway.graphqlUrl, pid: process.pid })}\n`,
);
const stop = async () => {
  await gateway.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
