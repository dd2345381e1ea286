import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

/**
 * Debian's LibreOffice, headless, to see an exported file as a printer would (issue 16): the
 * file becomes a PDF, the PDF's pages are counted and its first page drawn as a PNG. .ci/run
 * installs LibreOffice and poppler-utils; where they are missing the tests say "skipped".
 */
export function findSoffice(): string | undefined {
  if (!existsSync("/usr/bin/pdfinfo") || !existsSync("/usr/bin/pdftoppm")) return undefined;
  return ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/lib/libreoffice/program/soffice"].find((p) => existsSync(p));
}

export interface Printed {
  pdf: Buffer;
  pages: number;
  /** Page size in points, e.g. [841.89, 595.28] for A4 landscape. */
  size: [number, number];
}

/** Converts `data` (named `name`, which gives LibreOffice the format) to PDF and reads its page count and size. */
export function printToPdf(name: string, data: Buffer): Printed {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-print-"));
  const file = join(dir, name);
  writeFileSync(file, data);
  // A profile of its own: a second LibreOffice (or a leftover lock) must not block this one.
  const profile = `file://${join(dir, "profile")}`;
  const soffice = findSoffice();
  if (!soffice) throw new Error("LibreOffice (soffice) and poppler-utils are needed to print");
  execFileSync(soffice, [`-env:UserInstallation=${profile}`, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir, file], { timeout: 150_000, stdio: "ignore" });
  const pdfFile = join(dir, basename(name).replace(/\.[^.]+$/, ".pdf"));
  const info = execFileSync("/usr/bin/pdfinfo", [pdfFile], { encoding: "utf8" });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
  const size = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info);
  return { pdf: readFileSync(pdfFile), pages, size: [Number(size?.[1]), Number(size?.[2])] };
}

/** The first page as a PNG at `dpi`, written to `out` (for docs/ and a look at what prints). */
export function firstPagePng(pdf: Buffer, out: string, dpi = 70): void {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-png-"));
  const file = join(dir, "doc.pdf");
  writeFileSync(file, pdf);
  mkdirSync(join(out, ".."), { recursive: true });
  execFileSync("/usr/bin/pdftoppm", ["-png", "-r", String(dpi), "-f", "1", "-l", "1", "-singlefile", file, out.replace(/\.png$/, "")]);
}
