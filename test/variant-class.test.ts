import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMarrowscopeError } from "../src/errors.js";
import { variantClass } from "../src/normalize/variant-class.js";

describe("variantClass", () => {
  it("classifies sequence alleles after setting aside shared bases", () => {
    expect(variantClass("C", "T")).toEqual({ kind: "snv", lengthChange: 0 });
    expect(variantClass("ACG", "ATG")).toEqual({ kind: "snv", lengthChange: 0 });
    expect(variantClass("AC", "GT")).toEqual({ kind: "mnv", lengthChange: 0 });
    expect(variantClass("A", "AT")).toEqual({ kind: "insertion", lengthChange: 1, frameshift: true });
    expect(variantClass("AT", "ATT")).toEqual({ kind: "insertion", lengthChange: 1, frameshift: true });
    expect(variantClass("C", "CTCTG")).toEqual({ kind: "insertion", lengthChange: 4, frameshift: true });
    expect(variantClass("ACTGGTAGC", "A")).toEqual({ kind: "deletion", lengthChange: -8, frameshift: true });
    expect(variantClass("GGAA", "G")).toEqual({ kind: "deletion", lengthChange: -3, frameshift: false });
    expect(variantClass("CTTTA", "TTTTA")).toEqual({ kind: "snv", lengthChange: 0 });
    expect(variantClass("ATG", "CC")).toEqual({ kind: "indel", lengthChange: -1, frameshift: true });
    expect(variantClass("ATGC", "T")).toEqual({ kind: "indel", lengthChange: -3, frameshift: false });
    expect(variantClass("a", "g")).toEqual({ kind: "snv", lengthChange: 0 });
  });

  it("recognises symbolic and breakend ALTs without guessing a length", () => {
    expect(variantClass("A", "<DUP:TANDEM>")).toEqual({ kind: "sv", lengthChange: 0 });
    expect(variantClass("G", "<INV>")).toEqual({ kind: "sv", lengthChange: 0 });
    expect(variantClass("G", "[10:99665147[G")).toEqual({ kind: "breakend", lengthChange: 0 });
    expect(variantClass("G", "G]11:71948040]")).toEqual({ kind: "breakend", lengthChange: 0 });
    expect(variantClass("G", "G.")).toEqual({ kind: "breakend", lengthChange: 0 });
  });

  it("throws E_VCF_RECORD for alleles that are not variants", () => {
    for (const [ref, alt] of [
      ["A", "*"],
      ["A", "<*>"],
      ["A", "<NON_REF>"],
      ["A", "."],
      ["A", "A"],
      ["A", "1"],
    ] as const) {
      let caught: unknown;
      try {
        variantClass(ref, alt);
      } catch (error) {
        caught = error;
      }
      expect(isMarrowscopeError(caught) && caught.code).toBe("E_VCF_RECORD");
    }
  });

  it("agrees with the frame bcftools csq expects for corpus indels", () => {
    // bcftools test/csq/ENST00000285021: CTCTTTA>C is expected as stop_gained&inframe_deletion.
    const text = readFileSync(join(__dirname, "..", "fixtures", "annotated", "bcftools.csq.stop-gained-inframe-indel.vcf"), "utf8");
    const cols =
      text
        .split("\n")
        .find((line) => line.startsWith("3\t"))
        ?.split("\t") ?? [];
    expect(cols.slice(3, 5)).toEqual(["CTCTTTA", "C"]);
    expect(variantClass(cols[3] ?? "", cols[4] ?? "")).toEqual({
      kind: "deletion",
      lengthChange: -6,
      frameshift: false,
    });
  });
});
