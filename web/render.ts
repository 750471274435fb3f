/**
 * The report as page elements. Every value from the report (which carries text from the input
 * file) is set with textContent, never parsed as HTML.
 */
import type { Finding, Report } from "../src/index.js";

type Child = Node | string;

/** An element with text or child nodes; attributes are fixed strings from this file only. */
export function el(tag: string, attrs: Readonly<Record<string, string>> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(typeof child === "string" ? document.createTextNode(child) : child);
  return node;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], attrs: Readonly<Record<string, string>> = {}): HTMLElement {
  return el(
    "table",
    attrs,
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((row) => el("tr", {}, ...row.map((cell) => el("td", {}, cell))))),
  );
}

const percent = (vaf: number | undefined) => (vaf === undefined ? "—" : `${(vaf * 100).toFixed(1)}%`);

function change(f: Finding): string {
  const c = f.consequence;
  const hgvs = [c?.hgvsc, c?.hgvsp].filter((x): x is string => Boolean(x)).map((x) => x.replace(/^[^:]*:/, ""));
  return hgvs.length > 0 ? hgvs.join(" ") : (c?.terms.join(", ") ?? "");
}

/** The summary of each sample: the three readings, then the reasons with their rules and citations. */
export function summaryView(report: Report): HTMLElement {
  const out = el("div");
  for (const sample of report.samples) {
    const s = sample.summary;
    out.append(
      el("h3", {}, `${sample.name} (${sample.role})`),
      table(
        ["Reading", "Value"],
        [
          ["Immunosuppression picture", s.istResponse],
          ["Clonal evolution risk", s.clonalEvolutionRisk],
          ["Inherited disorder", s.inheritedDisorder],
          ["To consider", s.considerations.join(", ") || "—"],
        ],
        { class: "summary", "data-sample": sample.name },
      ),
      el(
        "ul",
        { class: "reasons" },
        ...s.reasons.map((r) => {
          const sources = [...r.ruleIds, ...r.citations];
          return el("li", {}, r.statement, ...(sources.length > 0 ? [el("span", { class: "cite" }, ` (${sources.join("; ")})`)] : []));
        }),
      ),
    );
  }
  return out;
}

/** One row per finding, as the clinician report groups them: gene, variant, change, VAF, origin, class. */
export function findingsView(report: Report): HTMLElement {
  const out = el("div");
  for (const sample of report.samples) {
    out.append(el("h3", {}, sample.name));
    if (sample.findings.length === 0) {
      out.append(el("p", {}, "No finding on the panel."));
      continue;
    }
    out.append(
      table(
        ["Gene", "Variant", "Change", "VAF", "Origin", "Classification", "Rules"],
        sample.findings.map((f) => [
          f.gene.symbol,
          f.variant.key,
          change(f),
          percent(f.call.vaf),
          f.origin.call,
          f.classification,
          f.ruleIds.join(", "),
        ]),
        { class: "findings", "data-sample": sample.name },
      ),
    );
  }
  return out;
}

export function warningsView(report: Report): HTMLElement {
  if (report.warnings.length === 0) return el("p", {}, "None.");
  return el("ul", { class: "warnings" }, ...report.warnings.map((w) => el("li", {}, `${w.code}: ${w.message}`)));
}
