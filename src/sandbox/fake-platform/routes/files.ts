import type { PlatformContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { ok, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import { randomHex } from "../ids.ts";
import { parseMultipart, type FormPart } from "../multipart.ts";
import type { FakeFile } from "../types.ts";

const MB = 1024 * 1024;

/** Uploads (multipart/form-data, as the SDK sends for im.v1.file.create / im.v1.image.create). */
export function registerFileRoutes(router: Router, ctx: PlatformContext): void {
  router.on("POST", "/open-apis/im/v1/files", (req) => {
    const { fields, upload } = readForm(req, "file", 30 * MB);
    const name = fields.get("file_name") ?? upload.filename ?? "file";
    const file = store(ctx, { key: `file_v3_${randomHex(16)}`, kind: "file", name, size: upload.data.length, fileType: fields.get("file_type"), data: upload.data });
    return ok({ file_key: file.key });
  });
  router.on("POST", "/open-apis/im/v1/images", (req) => {
    const { fields, upload } = readForm(req, "image", 10 * MB);
    const image = store(ctx, { key: `img_v3_${randomHex(16)}`, kind: "image", name: upload.filename ?? "image", size: upload.data.length, fileType: fields.get("image_type") });
    return ok({ image_key: image.key });
  });
}

function readForm(req: ApiRequest, fileField: string, maxBytes: number): { fields: Map<string, string>; upload: FormPart } {
  if (!req.contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new ApiError(400, 234001, "Invalid request param: expected multipart/form-data.");
  }
  const parts = parseMultipart(req.rawBody, req.contentType);
  const upload = parts.find((p) => p.name === fileField);
  if (!upload) throw new ApiError(400, 234001, `Invalid request param: missing ${fileField}.`);
  if (upload.data.length === 0) throw new ApiError(400, 234010, "File's size can't be 0.");
  if (upload.data.length > maxBytes) throw new ApiError(400, 234006, "The file size exceed the max value.");
  const fields = new Map(parts.filter((p) => p !== upload).map((p) => [p.name, p.data.toString("utf8")] as const));
  return { fields, upload };
}

function store(ctx: PlatformContext, input: Omit<FakeFile, "uploadedBy" | "createTime">): FakeFile {
  const file: FakeFile = { ...input, uploadedBy: "bot", createTime: ctx.nowMs() };
  ctx.world.files.set(file.key, file);
  ctx.world.emit({ kind: "file", id: file.key });
  return file;
}
