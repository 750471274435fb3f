#!/usr/bin/env cwl-runner
# The cohort's per-entry lists for the scatter: each entry's file name (marrowscope cohort's:
# src/cohort.ts safeName, numbered when two ids give the same name), and the optional
# assembly/tumor/normal/sex lists padded with nulls when not given (an empty string is null too,
# as an empty manifest cell). Lists that are given must be as long as the ids.
cwlVersion: v1.2
class: ExpressionTool
label: marrowscope cohort entries
requirements:
  InlineJavascriptRequirement: {}
inputs:
  ids: string[]
  assemblies:
    type:
      - "null"
      - type: array
        items: ["null", string]
  tumors:
    type:
      - "null"
      - type: array
        items: ["null", string]
  normals:
    type:
      - "null"
      - type: array
        items: ["null", string]
  sexes:
    type:
      - "null"
      - type: array
        items: ["null", string]
outputs:
  names: string[]
  assembly:
    type:
      type: array
      items: ["null", string]
  tumor:
    type:
      type: array
      items: ["null", string]
  normal:
    type:
      type: array
      items: ["null", string]
  sex:
    type:
      type: array
      items: ["null", string]
expression: |
  ${
    var n = inputs.ids.length;
    var cell = function (v) {
      return v === null || v === undefined || String(v).trim() === "" ? null : String(v).trim();
    };
    var list = function (key) {
      var v = inputs[key];
      if (v === null || v === undefined) return inputs.ids.map(function () { return null; });
      if (v.length !== n) throw new Error(key + " has " + v.length + " values for " + n + " ids");
      return v.map(cell);
    };
    var used = {};
    // The stems of the cohort files are taken from the start (src/cohort.ts RESERVED).
    var taken = { "cohort": true, "cohort-findings": true, "cohort-summary": true };
    // What file kinds add to a stem before their extension (src/cohort.ts KIND_SUFFIXES).
    var suffixes = [".fhir", ".phenopacket"];
    var names = inputs.ids.map(function (id) {
      var base = String(id).trim().replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_").slice(0, 100);
      if (base === "") base = "_";
      var n = used[base.toLowerCase()] || 0;
      var name;
      // a.fhir.json is the FHIR file of entry a and the report of entry a.fhir: never both; and
      // names that differ only in case are one file on macOS and Windows.
      var clashes = function (stem) {
        var key = stem.toLowerCase();
        return taken[key] || suffixes.some(function (suffix) { return taken[key + suffix]; });
      };
      do {
        n++;
        name = n === 1 ? base : base + "-" + n;
      } while (clashes(name));
      used[base.toLowerCase()] = n;
      taken[name.toLowerCase()] = true;
      suffixes.forEach(function (suffix) { taken[name.toLowerCase() + suffix] = true; });
      return name;
    });
    return {
      names: names,
      assembly: list("assemblies"),
      tumor: list("tumors"),
      normal: list("normals"),
      sex: list("sexes")
    };
  }
