/**
 * Related-donor check (issue 22): does a donor carry the patient's germline or unknown-origin
 * findings in panel genes? And what clonal findings does the donor have of their own?
 *
 * For each patient finding, the donor file is read at the same variant:
 * - `carries`: a call with the allele;
 * - `does-not-carry`: a record at the position called 0/0 (a gVCF reference block that only
 *   starts before it is not read yet, and gives `not-covered`);
 * - `not-covered`: no call there. A variants-only VCF cannot show the reference, so absence is
 *   not read as "does not carry".
 * Statements are the panel's donor-screening implications of the patient's finding, with their
 * citations. Node only: it reads two files.
 */
import { annotateWith } from "./annotate.js";
import { MarrowscopeError } from "./errors.js";
import type { Variant } from "./model.js";
import { nodeResolvers } from "./node-resolvers.js";
import type { AnnotateOptions } from "./options.js";
import { readVariantsWith } from "./read.js";
import { markdownText } from "./report/clinician.js";
import type { Finding, Report } from "./report/schema.js";
import { DISCLAIMER } from "./report/schema.js";

export interface DonorCheck {
  readonly gene: string;
  readonly variant: string;
  readonly hgvs?: string;
  readonly patientClassification: string;
  readonly patientOrigin: string;
  readonly donor: {
    readonly status: "carries" | "does-not-carry" | "not-covered";
    readonly genotype?: string;
    readonly depth?: number;
    readonly vaf?: number;
  };
  /** The panel's donor-screening statements for the patient's finding, with citations. */
  readonly statements: readonly { readonly statement: string; readonly citations: readonly string[] }[];
}

export interface DonorReport {
  readonly disclaimer: string;
  readonly patient: { readonly file: string; readonly sample: string };
  readonly donor: { readonly file: string; readonly sample: string };
  readonly panel: Report["panel"];
  readonly checks: readonly DonorCheck[];
  /** The donor's own somatic or unknown-origin clonal findings (clonal haematopoiesis). */
  readonly donorClonalFindings: readonly {
    readonly gene: string;
    readonly variant: string;
    readonly classification: string;
    readonly vaf?: number;
    readonly codes: readonly string[];
  }[];
}

export interface DonorOptions extends Omit<AnnotateOptions, "samples" | "roles"> {
  readonly patientSample?: string;
  readonly donorSample?: string;
}

/** Germline or unknown-origin findings worth checking in a donor (not benign). */
const CHECKED = new Set(["pathogenic", "likely-pathogenic", "hotspot", "uncertain"]);
const CLONAL = new Set(["CLONAL_EVOLUTION_RISK", "HIGH_RISK_CLONE", "AGE_RELATED_CH", "ADVERSE_PROGNOSIS", "PNH_CLONE"]);

function pickSample(report: Report, wanted: string | undefined, file: string): Report["samples"][number] {
  if (wanted) {
    const s = report.samples.find((x) => x.name === wanted);
    if (!s) throw new MarrowscopeError("E_SAMPLE", `sample ${JSON.stringify(wanted)} is not in the file`, { file });
    return s;
  }
  if (report.samples.length !== 1) {
    throw new MarrowscopeError("E_SAMPLE", `the file has ${report.samples.length} samples: name one (--patient-sample/--donor-sample)`, {
      file,
    });
  }
  return report.samples[0]!;
}

/** Compares a patient's germline/unknown findings with a related donor's file. */
export async function checkDonor(patientFile: string, donorFile: string, options: DonorOptions = {}): Promise<DonorReport> {
  const { patientSample, donorSample, ...shared } = options;
  const patient = await annotateWith(patientFile, { ...shared, ...(patientSample ? { samples: [patientSample] } : {}) }, nodeResolvers);
  const p = pickSample(patient, patientSample, patientFile);
  const donorReport = await annotateWith(donorFile, { ...shared, ...(donorSample ? { samples: [donorSample] } : {}) }, nodeResolvers);
  const d = pickSample(donorReport, donorSample, donorFile);
  const wanted = p.findings.filter((f) => !f.event && f.origin.call !== "somatic" && CHECKED.has(f.classification));
  // The donor's calls at the patient's variants, read once through the file (a key per finding).
  const keys = new Map(wanted.map((f) => [`${f.variant.chrom}\u0000${f.variant.pos}`, f]));
  const found = new Map<string, Variant[]>();
  for await (const v of readVariantsWith(donorFile, { strict: shared.strict ?? true }, nodeResolvers)) {
    const k = `${v.chrom}\u0000${v.pos}`;
    if (!keys.has(k)) continue;
    const list = found.get(k);
    if (list) list.push(v);
    else found.set(k, [v]);
  }
  const donorIndex = donorReport.input.samples.indexOf(d.name);
  const checks: DonorCheck[] = wanted.map((f) => ({
    gene: f.gene.symbol,
    variant: f.variant.key,
    ...(f.consequence?.hgvsc || f.consequence?.hgvsp
      ? { hgvs: [f.consequence?.hgvsc, f.consequence?.hgvsp].filter(Boolean).join(" ") }
      : {}),
    patientClassification: f.classification,
    patientOrigin: f.origin.call,
    donor: donorCall(f, found.get(`${f.variant.chrom}\u0000${f.variant.pos}`) ?? [], donorIndex),
    statements: f.implications
      .filter((i) => i.code === "DONOR_SCREENING")
      .map((i) => ({ statement: i.statement, citations: [...new Set(i.evidence.map((e) => e.citation))].sort() })),
  }));
  const donorClonalFindings = d.findings
    // A clone: a somatic reading with a clonal code (an unknown-origin TERT variant's clonal-risk
    // code comes from its germline reading, and is not a clone).
    .filter(
      (f) =>
        !f.event &&
        f.origin.call !== "germline" &&
        (f.readings ?? []).some((r) => r.origin === "somatic" && r.codes.some((c) => CLONAL.has(c))),
    )
    .map((f) => ({
      gene: f.gene.symbol,
      variant: f.variant.key,
      classification: f.classification,
      ...(f.call?.vaf !== undefined ? { vaf: f.call.vaf } : {}),
      codes: f.implications.map((i) => i.code),
    }));
  return {
    disclaimer: DISCLAIMER,
    patient: { file: patient.input.name, sample: p.name },
    donor: { file: donorReport.input.name, sample: d.name },
    panel: patient.panel,
    checks,
    donorClonalFindings,
  };
}

function donorCall(f: Finding, variants: readonly Variant[], sample: number): DonorCheck["donor"] {
  for (const v of variants) {
    const call = v.calls[Math.max(sample, 0)];
    if (!call) continue;
    const same = v.ref === f.variant.ref && v.alt === f.variant.alt;
    const gt = call.genotype ?? "";
    const alleles = gt.split(/[/|]/);
    const depth = call.depth !== undefined ? { depth: call.depth } : {};
    if (same && call.zygosity !== undefined && call.zygosity !== "hom-ref" && call.zygosity !== "no-call") {
      return { status: "carries", genotype: gt, ...depth, ...(call.vaf !== undefined ? { vaf: call.vaf } : {}) };
    }
    if (alleles.length > 0 && alleles.every((a) => a === "0")) return { status: "does-not-carry", genotype: gt, ...depth };
  }
  return { status: "not-covered" };
}

/** The donor report as Markdown. */
export function donorMarkdown(r: DonorReport): string {
  const esc = markdownText;
  const out = [
    `# Related donor ${esc(r.donor.sample)} for patient ${esc(r.patient.sample)}`,
    `**${DISCLAIMER}**`,
    `Patient ${esc(r.patient.file)} · donor ${esc(r.donor.file)} · panel ${esc(r.panel.id)} ${esc(r.panel.version)} (sha256 ${esc(r.panel.sha256)})`,
    "## The patient's germline or unknown-origin findings in the donor",
  ];
  if (r.checks.length === 0) out.push("The patient has no germline or unknown-origin panel finding to check.");
  else {
    out.push(
      `| Gene | Variant | Patient | Donor | Genotype (depth) |\n|---|---|---|---|---|\n${r.checks
        .map(
          (c) =>
            `| ${esc(c.gene)} | ${esc(c.hgvs ?? c.variant)} | ${esc(c.patientClassification)}, ${esc(c.patientOrigin)} | **${esc(c.donor.status)}** | ${esc(c.donor.genotype ?? "")}${c.donor.depth !== undefined ? ` (${c.donor.depth})` : ""} |`,
        )
        .join("\n")}`,
    );
    const statements = [...new Map(r.checks.flatMap((c) => c.statements).map((s) => [s.statement, s])).values()];
    if (statements.length > 0) out.push(statements.map((s) => `- ${esc(s.statement)} (${s.citations.map(esc).join("; ")})`).join("\n"));
    if (r.checks.some((c) => c.donor.status === "not-covered")) {
      out.push(
        "*not-covered*: the donor file has no call at that position; a variants-only VCF cannot show the reference, so the donor is not cleared.",
      );
    }
  }
  out.push("## The donor's own clonal findings");
  out.push(
    r.donorClonalFindings.length === 0
      ? "None."
      : r.donorClonalFindings
          .map(
            (f) =>
              `- ${esc(f.gene)} ${esc(f.variant)}: ${esc(f.classification)}${f.vaf !== undefined ? `, VAF ${(f.vaf * 100).toFixed(1)}%` : ""} (${f.codes.map(esc).join(", ")})`,
          )
          .join("\n"),
  );
  return `${out.join("\n\n")}\n`;
}
