// Uploads a file with XMLHttpRequest, because fetch cannot report how much of a request body has
// gone: the dialogs' progress bars follow the real upload (its `upload.onprogress` events), then
// wait for the server to judge and encode the file.
import { ApiError, type FieldError, type Problem } from './api.ts';

export interface UploadProgress {
  /** Bytes sent so far, and in all (the multipart body). */
  loaded: number;
  total: number;
  /** The whole body has gone: the server is judging and encoding the file. */
  sent: boolean;
}

export function uploadFile<T>(path: string, file: File, revision: number, onProgress: (progress: UploadProgress) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('If-Match', String(revision));
    request.responseType = 'json';
    request.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size, sent: false });
    request.upload.onload = () => onProgress({ loaded: file.size, total: file.size, sent: true });
    request.onerror = () => reject(new ApiError(0, 'The server cannot be reached. Check your connection and try again.'));
    request.onload = () => {
      const payload = request.response as Record<string, unknown> | null;
      if (request.status >= 200 && request.status < 300) return resolve(payload as T);
      reject(
        new ApiError(
          request.status,
          typeof payload?.error === 'string' ? payload.error : `The server answered ${request.status}`,
          Array.isArray(payload?.fields) ? (payload.fields as FieldError[]) : [],
          Array.isArray(payload?.problems) ? (payload.problems as Problem[]) : [],
        ),
      );
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}
