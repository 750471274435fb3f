/**
 * FHIR R4, Genomics Reporting IG STU3 (3.0.0): a `collection` Bundle per run.
 * - Per sample, a genomic-report DiagnosticReport.
 * - Per finding, a variant Observation carrying gene, ref/alt, exact start-end (1-based),
 *   chromosome, assembly, HGVS c./p., genomic source class, allelic frequency and read depth,
 *   and allelic state.
 * - Per finding, a diagnostic-implication Observation derived from the variant, with its
 *   clinical significance, the implication statements as notes, and the citations as
 *   relatedArtifact.
 * - Per IST association, a therapeutic-implication: "presumed responsive/resistant" to
 *   immunosuppression, stated as a cohort-level association.
 *
 * Codes are from the IG and LOINC answer lists (see ../shared/research/interop.md §1). Ids are
 * `urn:uuid:`s derived from content (SHA-256), and no timestamp is written: same input, same bytes.
 * Status is `preliminary`: research output, not a signed clinical report.
 */
import type { Bundle, BundleEntry, DiagnosticReport, Extension, Observation, ObservationComponent, Reference } from "fhir/r4";
import { builtinPanel } from "../panel/builtin.js";
import type { Panel } from "../panel/index.js";
import { sha256HexOfText } from "../panel/sha256.js";
import type { Finding, Report } from "./schema.js";
import { DISCLAIMER } from "./schema.js";

const IG = "http://hl7.org/fhir/uv/genomics-reporting";
const PROFILE = (id: string) => `${IG}/StructureDefinition/${id}`;
const TBD = `${IG}/CodeSystem/tbd-codes-cs`;
const LOINC = "http://loinc.org";
const RELATED_ARTIFACT = "http://hl7.org/fhir/StructureDefinition/workflow-relatedArtifact";

/**
 * Text from the input as a FHIR `code`, which allows no whitespace but single spaces (R4 §2.1.28.0.1):
 * an annotation's HGVS may hold a tab or a line break (VEP's %09, %0A, decoded).
 */
const codeOf = (text: string | undefined) => text?.replace(/\s+/g, " ").trim() || undefined;
const loinc = (code: string, display?: string) => ({ coding: [{ system: LOINC, code, ...(display ? { display } : {}) }] });

const CATEGORIES = [
  { coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] },
  { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code: "GE" }] },
];

/** LL2938-0: chromosome 1–22, X, Y (LA21254-0 … LA21277-1; interop.md §1.6). */
const CHROMOSOME: Readonly<Record<string, string>> = {
  "1": "LA21254-0",
  "2": "LA21255-7",
  "3": "LA21256-5",
  "4": "LA21257-3",
  "5": "LA21258-1",
  "6": "LA21259-9",
  "7": "LA21260-7",
  "8": "LA21261-5",
  "9": "LA21262-3",
  "10": "LA21263-1",
  "11": "LA21264-9",
  "12": "LA21265-6",
  "13": "LA21266-4",
  "14": "LA21267-2",
  "15": "LA21268-0",
  "16": "LA21269-8",
  "17": "LA21270-6",
  "18": "LA21271-4",
  "19": "LA21272-2",
  "20": "LA21273-0",
  "21": "LA21274-8",
  "22": "LA21275-5",
  X: "LA21276-3",
  Y: "LA21277-1",
};

const ASSEMBLY: Readonly<Record<string, { code: string; display: string }>> = {
  GRCh37: { code: "LA14029-5", display: "GRCh37" },
  GRCh38: { code: "LA26806-2", display: "GRCh38" },
};
/** Genomic source class: definite only with high confidence (declared, matched normal, population AF), else "Likely …". */
const SOURCE_CLASS: Readonly<Record<string, { code: string; display: string }>> = {
  germline: { code: "LA6683-2", display: "Germline" },
  somatic: { code: "LA6684-0", display: "Somatic" },
  "likely-germline": { code: "LA18194-3", display: "Likely germline" },
  "likely-somatic": { code: "LA18195-0", display: "Likely somatic" },
  unknown: { code: "LA18197-6", display: "Unknown genomic origin" },
};
const sourceClassOf = (f: Finding) =>
  SOURCE_CLASS[f.origin.call === "unknown" || f.origin.confidence === "high" ? f.origin.call : `likely-${f.origin.call}`]!;
const ALLELIC_STATE: Readonly<Record<string, { code: string; display: string }>> = {
  het: { code: "LA6706-1", display: "Heterozygous" },
  "hom-alt": { code: "LA6705-3", display: "Homozygous" },
  hemi: { code: "LA6707-9", display: "Hemizygous" },
};
/** LL4034-6; a hotspot or low-penetrance call has no answer there and is written as text. */
const SIGNIFICANCE: Readonly<Record<string, { code: string; display: string }>> = {
  pathogenic: { code: "LA6668-3", display: "Pathogenic" },
  "likely-pathogenic": { code: "LA26332-9", display: "Likely pathogenic" },
  uncertain: { code: "LA26333-7", display: "Uncertain significance" },
  "likely-benign": { code: "LA26334-5", display: "Likely benign" },
  benign: { code: "LA6675-8", display: "Benign" },
};
/**
 * The IST associations, as text: the IG's answers ("Presumed responsive/resistant") are predictions
 * for the patient, which a cohort-level association is not (so no code from the extensible set fits).
 */
const IST: Readonly<Record<string, string>> = {
  IST_FAVORABLE: "Associated at cohort level with a better response to immunosuppression (not a prediction for this patient)",
  IST_UNFAVORABLE:
    "Associated at cohort level with a poorer or inappropriate response to immunosuppression (not a prediction for this patient)",
};

/** A deterministic urn:uuid (RFC 4122 layout, version 5 style) from a text. */
function uuidOf(text: string): string {
  const h = sha256HexOfText(text);
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function citationArtifact(key: string, panel: Panel): Extension {
  const c = Object.hasOwn(panel.citations, key) ? panel.citations[key] : undefined;
  const url = key.startsWith("PMID:")
    ? `https://pubmed.ncbi.nlm.nih.gov/${key.slice(5)}/`
    : key.startsWith("DOI:")
      ? `https://doi.org/${key.slice(4)}`
      : (c?.url ?? (c?.doi ? `https://doi.org/${c.doi}` : c?.pmid ? `https://pubmed.ncbi.nlm.nih.gov/${c.pmid}/` : undefined));
  const text = c ? [c.authors, c.title, c.journal, c.year].filter(Boolean).join(". ") : key;
  return { url: RELATED_ARTIFACT, valueRelatedArtifact: { type: "citation", label: key, citation: text, ...(url ? { url } : {}) } };
}

function component(
  code: { coding: { system: string; code: string; display?: string }[] },
  value: Omit<ObservationComponent, "code">,
): ObservationComponent {
  return { code, ...value } as ObservationComponent;
}

function variantObservation(report: Report, f: Finding, subject: Reference, id: string): Observation {
  const v = f.variant;
  const chrom = v.chrom.replace(/^chr/i, "").toUpperCase().replace(/^M$/, "MT");
  const components: ObservationComponent[] = [];
  // An arm-level event (−7, del(7q) …) names no gene: its label is the conclusion.
  if (f.gene.hgncId) {
    components.push(
      component(loinc("48018-6", "Gene studied [ID]"), {
        valueCodeableConcept: { coding: [{ system: "http://www.genenames.org", code: f.gene.hgncId, display: f.gene.symbol }] },
      }),
    );
  }
  if (f.event) {
    components.push(
      component(
        { coding: [{ system: TBD, code: "conclusion-string" }] },
        { valueString: `${f.event.label}: chromosome-arm ${f.event.change} (${f.event.arms.join(", ")}) read from ${v.alt}` },
      ),
    );
  }
  const hgvsc = codeOf(f.consequence?.hgvsc);
  if (hgvsc?.includes(":"))
    components.push(
      component(loinc("48004-6"), { valueCodeableConcept: { coding: [{ system: "http://varnomen.hgvs.org", code: hgvsc }] } }),
    );
  const hgvsp = codeOf(f.consequence?.hgvsp);
  if (hgvsp?.includes(":"))
    components.push(
      component(loinc("48005-3"), { valueCodeableConcept: { coding: [{ system: "http://varnomen.hgvs.org", code: hgvsp }] } }),
    );
  // Alleles and extent for sequence alleles only: a symbolic ALT (<DEL>, <DUP:TANDEM>) is not one.
  if (!v.alt.startsWith("<") && !f.event) {
    components.push(
      component(loinc("69547-8", "Genomic ref allele [ID]"), { valueString: v.ref }),
      component(loinc("69551-0", "Genomic alt allele [ID]"), { valueString: v.alt }),
      component(loinc("92822-6", "Genomic coordinate system [Type]"), {
        valueCodeableConcept: loinc("LA30102-0", "1-based character counting"),
      }),
      component(loinc("81254-5", "Genomic allele start-end"), {
        valueRange: { low: { value: v.pos }, high: { value: v.pos + v.ref.length - 1 } },
      }),
    );
  }
  const chromosome = CHROMOSOME[chrom];
  if (chromosome)
    components.push(
      component(loinc("48000-4", "Chromosome [Identifier]"), { valueCodeableConcept: loinc(chromosome, `chromosome ${chrom}`) }),
    );
  const assembly = ASSEMBLY[report.input.assembly];
  if (assembly)
    components.push(
      component(loinc("62374-4", "Human reference sequence assembly version"), {
        valueCodeableConcept: loinc(assembly.code, assembly.display),
      }),
    );
  const source = sourceClassOf(f);
  components.push(component(loinc("48002-0", "Genomic source class [Type]"), { valueCodeableConcept: loinc(source.code, source.display) }));
  if (f.call?.vaf !== undefined) {
    components.push(
      component(loinc("81258-6", "Sample variant allelic frequency [NFr]"), {
        valueQuantity: { value: f.call.vaf, system: "http://unitsofmeasure.org", code: "1" },
      }),
    );
  }
  if (f.call?.altDepth !== undefined) {
    components.push(
      component(loinc("82121-5", "Allelic read depth"), {
        valueQuantity: { value: f.call.altDepth, system: "http://unitsofmeasure.org", code: "1" },
      }),
    );
  }
  const state = f.call?.zygosity ? ALLELIC_STATE[f.call.zygosity] : undefined;
  if (state) components.push(component(loinc("53034-5", "Allelic state"), { valueCodeableConcept: loinc(state.code, state.display) }));
  return {
    resourceType: "Observation",
    id: id.slice("urn:uuid:".length),
    meta: { profile: [PROFILE("variant")] },
    status: "preliminary",
    category: CATEGORIES,
    code: loinc("69548-6", "Genetic variant assessment"),
    subject,
    valueCodeableConcept: loinc("LA9633-4", "Present"),
    component: components,
  };
}

function implicationNotes(f: Finding): { text: string }[] {
  return f.implications.map((i) => ({ text: `${i.code}: ${i.statement}` }));
}

function citationsOf(f: Finding, codes?: ReadonlySet<string>): string[] {
  const keys = new Set<string>();
  for (const i of f.implications) if (!codes || codes.has(i.code)) for (const e of i.evidence) keys.add(e.citation);
  return [...keys].sort();
}

/** What every implication Observation starts with: its profile and code, citations, and the variant it derives from. */
function implicationHead(
  kind: "diagnostic-implication" | "therapeutic-implication",
  id: string,
  citations: readonly string[],
  subject: Reference,
  variantId: string,
  panel: Panel,
): Omit<Observation, "component" | "note"> {
  return {
    resourceType: "Observation",
    id: id.slice("urn:uuid:".length),
    meta: { profile: [PROFILE(kind)] },
    extension: citations.map((k) => citationArtifact(k, panel)),
    status: "preliminary",
    category: CATEGORIES,
    code: { coding: [{ system: TBD, code: kind }] },
    subject,
    derivedFrom: [{ reference: variantId }],
  };
}

function diagnosticImplication(f: Finding, subject: Reference, variantId: string, id: string, panel: Panel): Observation {
  // LL4034-6 is the germline (ACMG/AMP) scale: coded from the germline reading only; a somatic
  // (oncogenicity) reading is written as its own words.
  const germline = f.readings?.find((r) => r.origin === "germline");
  const somatic = f.readings?.find((r) => r.origin === "somatic");
  const significance = germline ? SIGNIFICANCE[germline.classification] : undefined;
  const value = significance
    ? loinc(significance.code, significance.display)
    : { text: somatic?.term ?? germline?.term ?? f.classification };
  return {
    ...implicationHead("diagnostic-implication", id, citationsOf(f), subject, variantId, panel),
    component: [component(loinc("53037-8", "Genetic variation clinical significance [Imp]"), { valueCodeableConcept: value })],
    note: [{ text: `${DISCLAIMER} Origin ${f.origin.call}; rules ${f.ruleIds.join(", ")}.` }, ...implicationNotes(f)],
  };
}

function therapeuticImplication(f: Finding, code: string, subject: Reference, variantId: string, id: string, panel: Panel): Observation {
  const answer = IST[code]!;
  const statement = f.implications.find((i) => i.code === code)?.statement ?? "";
  return {
    ...implicationHead("therapeutic-implication", id, citationsOf(f, new Set([code])), subject, variantId, panel),
    component: [
      component({ coding: [{ system: TBD, code: "therapeutic-implication" }] }, { valueCodeableConcept: { text: answer } }),
      component(loinc("51963-7", "Medication assessed [ID]"), {
        valueCodeableConcept: {
          text: "immunosuppressive therapy (horse antithymocyte globulin + cyclosporine, with or without eltrombopag)",
        },
      }),
      component(loinc("81259-4", "Associated phenotype"), {
        valueCodeableConcept: {
          coding: [{ system: "http://purl.obolibrary.org/obo/mondo.owl", code: "MONDO:0015909", display: "aplastic anemia" }],
        },
      }),
    ],
    note: [{ text: `Cohort-level association, not a prediction for this patient. ${statement} ${DISCLAIMER}` }],
  };
}

export interface FhirOptions {
  /** The panel whose citations the report cites (default: the builtin panel). */
  readonly panel?: Panel;
}

/** A FHIR resource as plain JSON (typed with @types/fhir inside; consumers need no FHIR types). */
export type FhirResource = { readonly resourceType: string } & Record<string, unknown>;

/** The report as one FHIR R4 `collection` Bundle (Genomics Reporting IG 3.0.0). */
export function toFHIRBundle(report: Report, options: FhirOptions = {}): FhirResource {
  return bundleOf(report, options) as unknown as FhirResource;
}

function bundleOf(report: Report, options: FhirOptions): Bundle {
  const panel = options.panel ?? builtinPanel;
  // Ids from the whole report's content: two different inputs of the same name get different ids.
  const base = sha256HexOfText(JSON.stringify(report));
  const entries: BundleEntry[] = [];
  for (const sample of report.samples) {
    const subject: Reference = { identifier: { value: sample.name }, display: sample.name };
    const results: Reference[] = [];
    const resources: Observation[] = [];
    for (const [n, f] of sample.findings.entries()) {
      // The finding's place in its sample makes a duplicated record's ids unique too.
      const key = `${base}\u0000${sample.name}\u0000${n}\u0000${f.variant.key}\u0000${f.gene.symbol}`;
      const variantId = uuidOf(`${key}\u0000variant`);
      resources.push(variantObservation(report, f, subject, variantId));
      const dxId = uuidOf(`${key}\u0000diagnostic-implication`);
      resources.push(diagnosticImplication(f, subject, variantId, dxId, panel));
      for (const code of Object.keys(IST)) {
        if (!f.implications.some((i) => i.code === code)) continue;
        resources.push(therapeuticImplication(f, code, subject, variantId, uuidOf(`${key}\u0000${code}`), panel));
      }
    }
    for (const r of resources) results.push({ reference: `urn:uuid:${r.id}` });
    const s = sample.summary;
    const reportId = uuidOf(`${base}\u0000${sample.name}\u0000report`);
    const diagnostic: DiagnosticReport = {
      resourceType: "DiagnosticReport",
      id: reportId.slice("urn:uuid:".length),
      meta: { profile: [PROFILE("genomic-report")] },
      status: "preliminary",
      category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0074", code: "GE" }] }],
      code: loinc("51969-4", "Genetic analysis report"),
      subject,
      ...(results.length > 0 ? { result: results } : {}),
      conclusion: `${DISCLAIMER} istResponse ${s.istResponse}; clonalEvolutionRisk ${s.clonalEvolutionRisk}; inheritedDisorder ${s.inheritedDisorder}. ${s.reasons.map((r) => r.statement).join(" ")} Panel ${report.panel.id} ${report.panel.version} (sha256 ${report.panel.sha256}); ${report.tool.name} ${report.tool.version}.`,
    };
    entries.push({ fullUrl: reportId, resource: diagnostic });
    for (const r of resources) entries.push({ fullUrl: `urn:uuid:${r.id}`, resource: r });
  }
  return { resourceType: "Bundle", id: uuidOf(`${base}\u0000bundle`).slice("urn:uuid:".length), type: "collection", entry: entries };
}

/** The Bundle as JSON text (2-space indent, trailing newline). */
export function toFHIR(report: Report, options: FhirOptions = {}): string {
  return `${JSON.stringify(toFHIRBundle(report, options), null, 2)}\n`;
}
