import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {}

/**
 * Reads the request body as bytes, refusing more than `limit` bytes without buffering them.
 * Listens to events rather than `for await`: leaving that loop early destroys the request and
 * its socket, so the 413 could no longer be sent (and Koa then answered 500).
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard what is sent; the answer goes out anyway
    return Promise.reject(new BodyTooLargeError(`body of ${declared} bytes exceeds ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onAborted);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(new BodyTooLargeError(`body exceeds ${limit} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    const onAborted = () => done(new Error("request aborted"));
    req.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onAborted);
  });
}
