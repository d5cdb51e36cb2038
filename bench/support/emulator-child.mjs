// Starts an emulator in this process for a benchmark and prints its info as one JSON line on stdout.
// argv[2]: JSON options for startEmulator.
import { startEmulator } from '@acs-identity/emulator';

const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator(options);
const info = emulator.info ?? emulator;
process.stdout.write(
  `${JSON.stringify({ endpoint: info.endpoint, connectionString: info.connectionString, caCertFile: info.caCertFile })}\n`,
);
const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
