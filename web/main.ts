/**
 * The page: choose or drop files, run the annotation in a worker, show the summary, findings and
 * warnings, offer every export as a download. Values from the file reach the page only through
 * textContent (render.ts); the clinician report, HTML the library escaped, is shown in a sandboxed
 * frame with no script.
 */
import { FORMATS, type Format, type FromWorker, type RunRequest, type ToWorker } from "./protocol.js";
import { el, findingsView, summaryView, warningsView } from "./render.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const files = $<HTMLInputElement>("files");
const drop = $<HTMLDivElement>("drop");
const chosen = $<HTMLUListElement>("chosen");
const runButton = $<HTMLButtonElement>("run");
const cancelButton = $<HTMLButtonElement>("cancel");
const progress = $<HTMLProgressElement>("progress");
const statusText = $<HTMLSpanElement>("status-text");
const results = $<HTMLElement>("results");
const downloads = $<HTMLParagraphElement>("downloads");
const frame = $<HTMLIFrameElement>("report");

const LABELS: Readonly<Record<Format, string>> = {
  json: "JSON report",
  tsv: "TSV table",
  md: "Clinician report (Markdown)",
  html: "Clinician report (HTML)",
  fhir: "FHIR R4 bundle",
  phenopacket: "Phenopacket",
  vcf: "Annotated VCF",
};

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (message: ToWorker) => worker.postMessage(message);

let vcf: File | undefined;
let index: File | undefined;
let running = false;
/** What a finished export is for: a download, or the report preview. */
const wanted = new Map<Format, "download" | "preview">();

function setStatus(text: string, state: "idle" | "running" | "done" | "failed"): void {
  statusText.textContent = text;
  document.body.dataset.state = state;
}

function choose(list: Iterable<File>): void {
  for (const file of list) {
    if (/\.(tbi|csi)$/i.test(file.name)) index = file;
    else vcf = file;
  }
  // An index that is not the chosen VCF's own is not used.
  if (vcf && index && !index.name.startsWith(vcf.name)) index = undefined;
  chosen.replaceChildren(
    ...[vcf, index].filter((f): f is File => f !== undefined).map((f) => el("li", {}, `${f.name} (${f.size.toLocaleString("en")} bytes)`)),
  );
  runButton.disabled = running || !vcf;
  if (vcf && !running) setStatus(index ? "Ready: the index will be used (only the panel's regions are read)." : "Ready.", "idle");
}

files.addEventListener("change", () => {
  index = undefined;
  choose(files.files ?? []);
});
drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  index = undefined;
  choose(event.dataTransfer?.files ?? []);
});

function optionalFile(id: string): File | undefined {
  return $<HTMLInputElement>(id).files?.[0] ?? undefined;
}

function optionalText(id: string): string | undefined {
  return $<HTMLInputElement>(id).value.trim() || undefined;
}

runButton.addEventListener("click", () => {
  if (!vcf || running) return;
  const request: RunRequest = {
    type: "run",
    vcf,
    assembly: $<HTMLSelectElement>("assembly").value as RunRequest["assembly"],
    ...(index ? { index } : {}),
    ...(optionalFile("panel") ? { panel: optionalFile("panel") } : {}),
    ...(optionalFile("context") ? { context: optionalFile("context") } : {}),
    ...(optionalText("tumor") ? { tumor: optionalText("tumor") } : {}),
    ...(optionalText("normal") ? { normal: optionalText("normal") } : {}),
  };
  running = true;
  runButton.disabled = true;
  cancelButton.disabled = false;
  results.hidden = true;
  frame.hidden = true;
  progress.hidden = false;
  progress.removeAttribute("value");
  setStatus(`Reading ${vcf.name}…`, "running");
  send(request);
});

cancelButton.addEventListener("click", () => send({ type: "cancel" }));

function finish(): void {
  running = false;
  cancelButton.disabled = true;
  runButton.disabled = !vcf;
  progress.hidden = true;
}

function save(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name }) as HTMLAnchorElement;
  link.click();
  // Revoked after the click has been handled; the download keeps its own copy.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

downloads.replaceChildren(
  ...FORMATS.map((format) => {
    const button = el("button", { type: "button", "data-format": format }, LABELS[format]) as HTMLButtonElement;
    button.addEventListener("click", () => {
      wanted.set(format, "download");
      send({ type: "export", format });
    });
    return button;
  }),
);

$<HTMLButtonElement>("show-report").addEventListener("click", () => {
  wanted.set("html", "preview");
  send({ type: "export", format: "html" });
});

worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case "ready":
      document.body.dataset.ready = "true";
      break;
    case "progress": {
      const { records, bytesRead, totalBytes } = message;
      if (totalBytes) {
        progress.max = totalBytes;
        progress.value = bytesRead;
      }
      const share = totalBytes ? ` (${Math.floor((100 * bytesRead) / totalBytes)}% of the file)` : "";
      setStatus(`Reading: ${records.toLocaleString("en")} records${share}…`, "running");
      break;
    }
    case "done": {
      finish();
      const { report, ms } = message;
      $("summary").replaceChildren(summaryView(report));
      $("findings").replaceChildren(findingsView(report));
      $("warnings").replaceChildren(warningsView(report));
      results.hidden = false;
      const findings = report.samples.reduce((n, s) => n + s.findings.length, 0);
      setStatus(
        `Done in ${(ms / 1000).toFixed(2)} s: ${report.input.recordsRead.toLocaleString("en")} records read (${report.input.strategy}), ${findings} finding${findings === 1 ? "" : "s"}, ${report.warnings.length} warning${report.warnings.length === 1 ? "" : "s"}.`,
        "done",
      );
      document.body.dataset.ms = String(Math.round(ms));
      break;
    }
    case "failed":
      finish();
      setStatus(message.code === "E_ABORTED" ? "Cancelled (E_ABORTED)." : `Failed: ${message.code}: ${message.message}`, "failed");
      document.body.dataset.error = message.code;
      break;
    case "exported":
      if (wanted.get(message.format) === "preview") {
        void message.blob.text().then((html) => {
          frame.srcdoc = html;
          frame.hidden = false;
        });
      } else save(message.name, message.blob);
      wanted.delete(message.format);
      break;
    case "export-failed":
      setStatus(`Export ${message.format} failed: ${message.message}`, "failed");
      break;
  }
});

worker.addEventListener("error", (event) => {
  finish();
  setStatus(`Failed: the worker stopped (${event.message || "script error"}).`, "failed");
});

setStatus("Choose a VCF.", "idle");
