import type { OutputStream } from './context.js';

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class ProgressBar {
  readonly #stream: OutputStream;
  readonly #total: number;
  readonly #enabled: boolean;
  #done = 0;
  #failed = 0;
  #drawn = -1;

  constructor(stream: OutputStream, total: number, enabled: boolean) {
    this.#stream = stream;
    this.#total = total;
    this.#enabled = enabled && stream.isTTY === true;
  }

  tick(ok: boolean): void {
    this.#done += 1;
    if (!ok) this.#failed += 1;
    this.#draw();
  }

  #draw(): void {
    if (!this.#enabled) return;
    // Redraw once per percent (and at the end), not once per request.
    const percent = Math.floor((this.#done / this.#total) * 100);
    if (percent === this.#drawn && this.#done !== this.#total) return;
    this.#drawn = percent;
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    const failed = this.#failed ? `, ${this.#failed} failed` : '';
    this.#stream.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.#total}${failed}`,
    );
  }

  /** Removes the bar so the summary starts on a clean line. */
  clear(): void {
    if (this.#enabled) this.#stream.write('\r\u001b[2K');
  }
}
