/**
 * Stands in for the `string-width` package inside the bundled yargs (build.mjs aliases it here). yargs only measures
 * text to lay out help, which acs-identity renders itself (help.ts), yet the real package builds an `Intl.Segmenter`
 * and Unicode-property regular expressions when it loads: about 30 ms of every start. Code points without ANSI
 * colour codes are exact for the ASCII text yargs lays out here.
 */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export default function stringWidth(text: string): number {
  let width = 0;
  for (const _ of text.replace(ANSI, '')) width += 1;
  return width;
}
