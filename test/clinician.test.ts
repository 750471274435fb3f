/**
 * The clinician report (issue 20): Markdown and one self-contained HTML page per sample, with the
 * summary and its reasons, what to consider next, findings by origin, what was not assessed, the
 * panel version and sha256 and the disclaimer on every page. Every input value is escaped. The
 * HTML is rendered in Debian's Chromium (playwright-core) where it is installed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { annotate, DISCLAIMER, toHTML, toMarkdown } from "../src/node.js";
import { CHROMIUM, FIXTURES, inChromium, ROOT, tempDir, validationCases, vcfText } from "./helpers.js";

describe("clinician report", () => {
  it("the demo: summary, next steps, findings by origin, not assessed, panel sha256, disclaimer", async () => {
    const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
    const md = toMarkdown(report);
    expect(md).toContain("# PATIENT\\_01");
    expect(md).toContain(`**${DISCLAIMER}**`);
    expect(md).toContain(report.panel.sha256);
    expect(md).toMatch(/\| Immunosuppression picture \| \*\*inherited-disorder-first\*\* \|/);
    // What to consider next: the panel's consideration statements, with their citations.
    expect(md).toMatch(
      /## What to consider next\n\n- Telomere biology disorder suspected\. Published practice: consider measuring lymphocyte telomere length by flow-FISH\./,
    );
    expect(md).toContain("marrow karyotype, with SNP array");
    // Findings grouped by origin, with VAF and the criteria behind the classification.
    expect(md).toMatch(
      /### Somatic \(2\)[\s\S]*\| DNMT3A \| chr2:25234373 C\\>T \| c\.2645G\\>A p\.Arg882His \| 12\\\.0% \\\(12\/100\\\) \| hotspot \| OS3 \\\(strong\\\) \|/,
    );
    expect(md).toMatch(/### Origin unknown \(1\)[\s\S]*\| TERT \|/);
    expect(md).toContain("## Not assessed");
    // Same input, same bytes.
    expect(toMarkdown(await annotate(join(FIXTURES, "demo.vcf.gz")))).toBe(md);
    const html = toHTML(report);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain(`<p class="disclaimer">${DISCLAIMER}</p>`);
    expect(html).toMatch(/<svg [^>]*aria-label="Variant allele fraction per finding"/);
    expect(html).toContain("@page{size:A4");
  });

  it("escapes hostile values for Markdown and HTML", async () => {
    const hostile = "<script>alert(1)</script>|**x** [a](javascript:alert(1))";
    const text = vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100"], { samples: [hostile] });
    const report = await annotate({ text, name: "<img src=x onerror=alert(1)>.vcf" }, { assembly: "GRCh38" });
    const md = toMarkdown(report);
    // The name stays one literal heading: no raw HTML, no link, no table break.
    const rendered = new MarkdownIt({ html: false }).render(md);
    expect(rendered).not.toMatch(/<script|<img|<a |<strong>x<\/strong>/);
    expect(rendered).toContain("&lt;script&gt;alert(1)&lt;/script&gt;|**x** [a](javascript:alert(1))");
    const html = toHTML(report);
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>|<a /);
    // `$` patterns in input text are not replacement patterns: the page is not copied into itself.
    const dollar = await annotate(
      { text: vcfText(["chr2\t25234373\t.\tC\tT\t.\tPASS\t.\tGT:AD:DP\t0/1:88,12:100"], { samples: ["P$'$`$&"] }), name: "x.vcf" },
      { assembly: "GRCh38" },
    );
    expect(toHTML(dollar).split("<h2>Summary</h2>").length - 1).toBe(1);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.vcf");
  });

  it("exports every clinical validation case in both formats, one page per sample", async () => {
    let pages = 0;
    for (const c of validationCases()) {
      const report = await annotate(c.path, c.options);
      const md = toMarkdown(report);
      const html = toHTML(report);
      const samples = report.samples.length;
      expect(md.split(`**${DISCLAIMER}**`).length - 1, c.file).toBe(Math.max(samples, 1));
      expect(html.split('<section class="page">').length - 1, c.file).toBe(Math.max(samples, 1));
      expect(html, c.file).not.toMatch(/<script/);
      pages += samples;
    }
    expect(pages).toBeGreaterThan(80);
  }, 60_000);

  it.skipIf(!existsSync(CHROMIUM))(
    "renders in Chromium: the text a clinician needs is visible, and the page prints to A4",
    async () => {
      const report = await annotate(join(FIXTURES, "demo.vcf.gz"));
      const file = join(tempDir("clinician-"), "demo.html");
      writeFileSync(file, toHTML(report));
      await inChromium(file, async (page, requests) => {
        const visible = await page.textContent("body");
        for (const text of [
          DISCLAIMER,
          "Summary",
          "Immunosuppression picture",
          "inherited-disorder-first",
          "What to consider next",
          "flow-FISH",
          "DNMT3A",
          "c.2645G>A p.Arg882His",
          "Not assessed",
          report.panel.sha256,
        ]) {
          expect(visible).toContain(text);
        }
        // Nothing but the file itself may load.
        expect(requests).toEqual([`file://${file}`]);
        expect(await page.locator("svg").count()).toBe(1);
        const pdf = await page.pdf({ format: "A4" });
        expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
        const shot = join(process.env.MARROWSCOPE_UPDATE_DOCS ? join(ROOT, "docs") : tempDir("clinician-"), "report-demo.png");
        await page.screenshot({ path: shot, fullPage: true });
        expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
      });
    },
    60_000,
  );
});
