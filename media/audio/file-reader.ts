// Reads a file on disk piece by piece at any position, through a 1 MB window, so that walking a
// 50 MB upload frame by frame never holds the whole file in memory. Synchronous on purpose: it
// runs on the upload worker thread, where blocking reads cost nobody anything.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const WINDOW_BYTES = 1 << 20;

export class FileReader {
  readonly size: number;
  readonly #fd: number;
  #window = new Uint8Array(0);
  #windowStart = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
    this.size = fstatSync(this.#fd).size;
  }

  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Uint8Array {
    const end = Math.min(this.size, position + length);
    if (position >= end) return new Uint8Array(0);
    if (position < this.#windowStart || end > this.#windowStart + this.#window.length) {
      const bytes = Math.max(WINDOW_BYTES, end - position);
      const window = new Uint8Array(Math.min(bytes, this.size - position));
      let filled = 0;
      while (filled < window.length) {
        const read = readSync(this.#fd, window, filled, window.length - filled, position + filled);
        if (read === 0) break;
        filled += read;
      }
      this.#window = window.subarray(0, filled);
      this.#windowStart = position;
    }
    return this.#window.subarray(position - this.#windowStart, end - this.#windowStart);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
