/**
 * The report in every format the library writes, as a download. Imported by the worker only when
 * a download is asked for, so the exporters (markdown-it among them) are not part of what the page
 * loads to annotate.
 */
import { type Report, toFHIR, toHTML, toJSON, toMarkdown, toPhenopacket, toTSV, vcfChunks, vcfLines } from "../src/index.js";
import type { Format } from "./protocol.js";

/** The input's name without its VCF suffixes: `demo.vcf.gz` → `demo`. */
function stem(name: string): string {
  return name.replace(/\.(vcf|bcf)(\.b?gz)?$/i, "").replace(/\.b?gz$/i, "") || "report";
}

const TEXT: Readonly<Record<Exclude<Format, "vcf">, { suffix: string; mime: string; make: (r: Report) => string }>> = {
  json: { suffix: ".marrowscope.json", mime: "application/json", make: toJSON },
  tsv: { suffix: ".marrowscope.tsv", mime: "text/tab-separated-values", make: toTSV },
  md: { suffix: ".marrowscope.md", mime: "text/markdown", make: toMarkdown },
  html: { suffix: ".marrowscope.html", mime: "text/html", make: toHTML },
  fhir: { suffix: ".fhir.json", mime: "application/fhir+json", make: (r) => toFHIR(r) },
  phenopacket: { suffix: ".phenopacket.json", mime: "application/json", make: (r) => toPhenopacket(r) },
};

/** Pieces of the annotated VCF joined to about this size: a Blob of millions of tiny parts is slow to build. */
const PART = 1 << 20;

/** The report (and, for the annotated VCF, the input it came from) as a named Blob. */
export async function exportReport(report: Report, input: File, format: Format): Promise<{ name: string; blob: Blob }> {
  const base = stem(report.input.name);
  if (format !== "vcf") {
    const { suffix, mime, make } = TEXT[format];
    return { name: `${base}${suffix}`, blob: new Blob([make(report)], { type: mime }) };
  }
  // The input's own lines back, plain text (a BGZF writer needs zlib: the Node CLI writes .vcf.gz).
  const parts: string[] = [];
  let part = "";
  for await (const chunk of vcfChunks(report, vcfLines(input))) {
    part += chunk;
    if (part.length >= PART) {
      parts.push(part);
      part = "";
    }
  }
  parts.push(part);
  return { name: `${base}.marrowscope.vcf`, blob: new Blob(parts, { type: "text/vcf" }) };
}
