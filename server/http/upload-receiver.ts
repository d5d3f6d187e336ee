// Receives one uploaded file (multipart/form-data, field "file") by streaming it to a temporary
// file with busboy: never the whole file in memory. A body announced larger than the limit is
// refused before a byte is read; one that grows past it is cut off the moment it does. Either way
// the answer is 413 at once and nothing is kept; the rest of the body is read and thrown away
// (closing the connection instead would make browsers report a network error, not the 413).
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Request } from 'express';
import { HttpError } from './errors.ts';

export interface ReceivedUpload {
  /** The temporary file; remove it with `discard()` once done. */
  path: string;
  /** The file's name as the browser sent it (no folders), for showing only: the content is judged, not the name. */
  filename: string;
  bytes: number;
  discard(): Promise<void>;
}

export interface UploadLimits {
  maxBytes: number;
  /** Where uploads are written while they are judged (emptied at start). */
  directory: string;
}

/** Room for the multipart boundaries and headers around the file. */
const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

export function tooLargeMessage(maxBytes: number): string {
  return `The file is larger than the limit of ${Math.round(maxBytes / 1_000_000)} MB.`;
}

export async function receiveUpload(request: Request, limits: UploadLimits): Promise<ReceivedUpload> {
  if (!request.is('multipart/form-data')) throw new HttpError(415, 'Send the file as multipart/form-data, in a field named "file".');
  const announced = Number(request.get('content-length') ?? NaN);
  if (announced > limits.maxBytes + MULTIPART_OVERHEAD_BYTES) throw new HttpError(413, tooLargeMessage(limits.maxBytes));
  await mkdir(limits.directory, { recursive: true });
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    let writing: Promise<ReceivedUpload> | undefined;
    const fail = (error: HttpError, cleanup?: () => Promise<void>) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      request.resume();
      void cleanup?.();
      reject(error);
    };
    const parser = busboy({ headers: request.headers, limits: { files: 1, fileSize: limits.maxBytes, fields: 20, parts: 25 } });
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || writing) {
        stream.resume();
        return;
      }
      const path = join(limits.directory, `${randomUUID()}.upload`);
      const discard = () => rm(path, { force: true });
      const out = createWriteStream(path);
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
      stream.once('limit', () => {
        stream.unpipe(out);
        out.destroy();
        stream.resume();
        fail(new HttpError(413, tooLargeMessage(limits.maxBytes)), discard);
      });
      writing = new Promise<ReceivedUpload>((done, broken) => {
        out.once('error', broken);
        out.once('finish', () => done({ path, filename: basename(info.filename ?? '').slice(0, 255) || 'upload', bytes, discard }));
      });
      writing.catch(() => discard());
      // A body cut short ends the file's stream with an error (busboy: "Unexpected end of form").
      stream.once('error', (error: Error) => {
        stream.unpipe(out);
        out.destroy(error);
        fail(new HttpError(400, `The upload is not readable multipart/form-data: ${error.message}`));
      });
      stream.pipe(out);
    });
    parser.once('error', (error: Error) => fail(new HttpError(400, `The upload is not readable multipart/form-data: ${error.message}`)));
    parser.once('close', () => {
      if (settled) return;
      if (!writing) return fail(new HttpError(400, 'The upload holds no file: send it in a field named "file".'));
      writing.then(
        (upload) => {
          if (settled) return void upload.discard();
          settled = true;
          resolve(upload);
        },
        (error: Error) => fail(new HttpError(500, `The upload could not be written: ${error.message}`)),
      );
    });
    request.once('aborted', () => fail(new HttpError(400, 'The upload was interrupted.')));
    request.pipe(parser);
  });
}
