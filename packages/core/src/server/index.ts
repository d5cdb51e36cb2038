/**
 * @acs-identity/core/server: what every server and long-running program of this project shares. Node only; loads
 * neither the Azure SDK nor anything else heavy, so a program can use it on its fast path.
 */
export { type ListeningAddress, type ListenOptions, listen } from './listen.js';
export {
  type TransactionClient,
  type TransactionPool,
  withAdvisoryLock,
  withTransaction,
} from './postgres-transaction.js';
export {
  narrowIfPresent,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  privateDir,
  privateFile,
} from './private-files.js';
export { onStopSignals, STOP_SIGNALS, type StopSignal } from './signals.js';
