// Starts an emulator cluster (startEmulatorCluster: worker processes sharing one port) in this process for a benchmark
// and prints its info and the worker pids as one JSON line on stdout. It stops on SIGTERM/SIGINT (the cluster's own
// signal handling: the workers are stopped, then this process exits with code 0).
// argv[2]: JSON options for startEmulatorCluster.
import { startEmulatorCluster } from '@acs-identity/emulator';

const options = JSON.parse(process.argv[2] ?? '{}');
const cluster = await startEmulatorCluster({ ...options, handleSignals: true });
const { info } = cluster;
process.stdout.write(
  `${JSON.stringify({
    endpoint: info.endpoint,
    connectionString: info.connectionString,
    caCertFile: info.caCertFile,
    pid: process.pid,
    workerPids: cluster.workerPids,
  })}\n`,
);
