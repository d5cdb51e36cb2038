/** Entry point of the `acs-identity` bin: runs the CLI on this process's arguments and sets the exit code. */
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2));
