/**
 * The annotated VCF: the input's header and records unchanged, plus marrowscope's INFO fields.
 * - `MSCOPE`: one `|`-separated chunk per finding, with a `Format:` list in its Description so
 *   that `bcftools +split-vep -a MSCOPE` can split it. The list has a `Consequence` field, which
 *   split-vep 1.16 requires.
 * - `MSCOPE_CLASS`: the record's most severe classification, for `bcftools view -i` filters and
 *   igv.js colouring.
 * - A `##marrowscope=` provenance line (tool version, panel id, version and sha256).
 *
 * Values are percent-encoded as VCF 4.3 §1.2 asks (`%3A` `%3B` `%3D` `%25` `%2C`, CR, LF, TAB),
 * plus `|` `&` and space, which separate fields and values inside the chunk. Records are matched
 * to findings by line number (a scan's findings carry it). Browser-safe: the caller hands in the
 * input's lines.
 */
import type { Finding, Report } from "./schema.js";

export const VCF_FIELDS = [
  "Allele",
  "Consequence",
  "Gene",
  "Sample",
  "Origin",
  "Classification",
  "Category",
  "Codes",
  "Rules",
  "HGVSc",
  "HGVSp",
  "VAF",
] as const;

/** Classifications from most to least severe: MSCOPE_CLASS takes the first a record has. */
const SEVERITY = ["pathogenic", "likely-pathogenic", "hotspot", "uncertain", "likely-benign", "benign"];

/** One value percent-encoded for an INFO chunk. */
export function vcfValue(value: unknown): string {
  // Control characters too: a %00 the input's annotation decoded to NUL would make the line unreadable.
  return String(value ?? "").replace(/[%:;=,|& \x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function chunkOf(f: Finding): string {
  const values = [
    f.variant.alt,
    (f.consequence?.terms ?? []).map(vcfValue).join("&"),
    f.gene.symbol,
    f.sample,
    f.origin.call,
    f.classification,
    f.category,
    f.implications.map((i) => vcfValue(i.code)).join("&"),
    f.ruleIds.map(vcfValue).join("&"),
    f.consequence?.hgvsc ?? "",
    f.consequence?.hgvsp ?? "",
    f.call?.vaf ?? "",
  ];
  // Fields already joined with `&` (lists) are encoded per item above.
  return values.map((v, i) => ([1, 7, 8].includes(i) ? String(v) : vcfValue(v))).join("|");
}

/** The header lines marrowscope adds (before `#CHROM`). */
function headerLines(report: Report): string[] {
  const { panel, tool } = report;
  return [
    `##marrowscope=<Version="${tool.version}",Panel="${panel.id}",PanelVersion="${panel.version}",PanelSha256="${panel.sha256}",Disclaimer="Research use only; not a diagnosis.">`,
    `##INFO=<ID=MSCOPE,Number=.,Type=String,Description="marrowscope findings (panel ${panel.id} ${panel.version}), one per finding. Format: ${VCF_FIELDS.join("|")}">`,
    '##INFO=<ID=MSCOPE_CLASS,Number=1,Type=String,Description="marrowscope: the most severe classification among the record\'s findings">',
  ];
}

/** Whether a meta line is one marrowscope writes (dropped from the input so a rerun replaces them). */
const OURS = /^##(marrowscope=|INFO=<ID=MSCOPE(_CLASS)?,)/;

/** A record's INFO column without marrowscope's keys. */
function withoutOurs(info: string): string {
  if (info === "." || !info.includes("MSCOPE")) return info;
  const kept = info.split(";").filter((kv) => !/^MSCOPE(_CLASS)?(=|$)/.test(kv));
  return kept.length === 0 ? "." : kept.join(";");
}

export interface VcfOptions {
  /** Keep only records with a finding (default: every record). */
  readonly onlyFindings?: boolean;
}

/**
 * The annotated VCF in pieces, from the input's lines (without their newlines) and the report of
 * a scan of the same input. Findings without a line number (an index read) are matched by
 * CHROM, POS and ALT.
 */
export async function* vcfChunks(
  report: Report,
  lines: AsyncIterable<string> | Iterable<string>,
  options: VcfOptions = {},
): AsyncGenerator<string> {
  const byLine = new Map<number, Finding[]>();
  const bySite = new Map<string, Finding[]>();
  for (const sample of report.samples) {
    // Arm-level events (−7, del(7q) …) too: their Gene field is the event's label.
    for (const f of sample.findings) {
      const line = f.source.line;
      const key = line !== undefined ? line : `${f.variant.chrom}\t${f.variant.pos}`;
      const map = (line !== undefined ? byLine : bySite) as Map<number | string, Finding[]>;
      const list = map.get(key);
      if (list) list.push(f);
      else map.set(key, [f]);
    }
  }
  let lineNo = 0;
  let inHeader = true;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const eol = raw.endsWith("\r") ? "\r\n" : "\n";
    if (inHeader) {
      if (line.startsWith("##")) {
        if (!OURS.test(line)) yield `${raw}\n`;
        continue;
      }
      if (line.startsWith("#CHROM")) {
        for (const h of headerLines(report)) yield `${h}${eol}`;
        yield `${raw}\n`;
        inHeader = false;
        continue;
      }
      inHeader = false;
    }
    if (line === "") {
      if (!options.onlyFindings) yield `${raw}\n`;
      continue;
    }
    const cols = line.split("\t");
    const mine =
      byLine.get(lineNo) ?? (bySite.get(`${cols[0]}\t${cols[1]}`) ?? []).filter((f) => (cols[4] ?? "").split(",").includes(f.variant.alt));
    if (mine.length === 0) {
      if (options.onlyFindings) continue;
      if (cols.length > 7 && cols[7]!.includes("MSCOPE")) {
        cols[7] = withoutOurs(cols[7]!);
        yield `${cols.join("\t")}${eol}`;
      } else yield `${raw}\n`;
      continue;
    }
    const worst = SEVERITY.find((c) => mine.some((f) => f.classification === c)) ?? mine[0]!.classification;
    const added = `MSCOPE=${mine.map(chunkOf).join(",")};MSCOPE_CLASS=${vcfValue(worst)}`;
    const info = withoutOurs(cols[7] ?? ".");
    cols[7] = info === "." ? added : `${info};${added}`;
    yield `${cols.join("\t")}${eol}`;
  }
}

/** The annotated VCF as one string. */
export async function toVCF(report: Report, lines: AsyncIterable<string> | Iterable<string>, options: VcfOptions = {}): Promise<string> {
  let out = "";
  for await (const chunk of vcfChunks(report, lines, options)) out += chunk;
  return out;
}
