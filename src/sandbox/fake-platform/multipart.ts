/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Minimal multipart/form-data parser: enough for what axios/form-data send for
 * `im.v1.file.create` / `im.v1.image.create` (no nested multiparts, no transfer encodings).
 */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break; // closing delimiter
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next === -1) break;
    const part = parsePart(body.subarray(afterDelimiter + 2, next - 2)); // strip CRLF after delimiter and before next
    if (part) parts.push(part);
    start = next;
  }
  return parts;
}

function parsePart(chunk: Buffer): FormPart | undefined {
  const headerEnd = chunk.indexOf("\r\n\r\n");
  if (headerEnd === -1) return undefined;
  const headers = chunk.subarray(0, headerEnd).toString("utf8").split("\r\n");
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of headers) {
    const [key, ...rest] = line.split(":");
    const value = rest.join(":").trim();
    if (key?.toLowerCase() === "content-disposition") {
      name = /\bname="([^"]*)"/.exec(value)?.[1];
      filename = /\bfilename="([^"]*)"/.exec(value)?.[1];
    } else if (key?.toLowerCase() === "content-type") {
      contentType = value;
    }
  }
  if (name === undefined) return undefined;
  return { name, filename, contentType, data: chunk.subarray(headerEnd + 4) };
}
