import type { CommandContext, InputStream } from './context.js';
import { CliError } from './errors.js';

async function readLine(stdin: InputStream): Promise<string> {
  let line = '';
  const decoder = new TextDecoder();
  for await (const chunk of stdin) {
    line += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const end = line.indexOf('\n');
    if (end >= 0) return line.slice(0, end);
  }
  return line;
}

/**
 * Asks `question [y/N]` on a terminal. Without a terminal and without --yes it fails at once (CONFIRMATION_REQUIRED,
 * exit 2) instead of waiting for input that never comes.
 */
export async function confirm(
  context: CommandContext,
  question: string,
  yes: boolean | undefined,
): Promise<void> {
  if (yes) return;
  const { stdin, stderr } = context.io;
  if (!stdin.isTTY) {
    throw new CliError(
      'CONFIRMATION_REQUIRED',
      `${question} Confirmation needed, but stdin is not a terminal.`,
    );
  }
  stderr.write(`${question} [y/N] `);
  const answer = (await readLine(stdin)).trim();
  if (!/^(y|yes)$/i.test(answer)) throw new CliError('CANCELLED', 'Cancelled.');
}
