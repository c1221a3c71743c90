import type http from 'node:http';

/** Thrown by readBody when a request body passes its limit (declared or streamed). */
export class BodyTooLargeError extends Error {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`the request body is larger than ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/**
 * Reads a request body of at most `limitBytes`, counting while it streams: a declared `content-length`
 * over the limit is refused before any byte is read, a chunked body as soon as it passes the limit. So an
 * oversized request never sits whole in memory.
 */
export function readBody(request: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new BodyTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        request.off('data', onData);
        request.pause();
        chunks.length = 0;
        reject(new BodyTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
