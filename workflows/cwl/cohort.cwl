#!/usr/bin/env cwl-runner
# marrowscope over a cohort: scatter `annotate` over the entries, gather into the cohort tables,
# equal to what `marrowscope cohort` writes. Runs with cwltool, or Toil on Slurm/Kubernetes.
# Research use only; not a diagnosis.
#
# The job gives the manifest and, in manifest order, each entry's VCF and id, and optionally the
# manifest's assembly, tumor, normal and sex columns as lists of the same length (null or "" where
# a cell is empty; a list left out is all empty).
cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  marrowscope:
    type: Directory
    doc: the built CLI's folder (dist/, with cli.cjs)
  manifest:
    type: File
    doc: marrowscope cohort's manifest (TSV; id, vcf, and optionally assembly, tumor, normal, sex)
  vcfs:
    type: File[]
    doc: each entry's VCF, in manifest order (a .tbi/.csi beside it goes with it)
    secondaryFiles:
      - pattern: .tbi
        required: false
      - pattern: .csi
        required: false
  ids:
    type: string[]
    doc: each entry's id, in manifest order
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
steps:
  entries:
    run: entries.cwl
    in:
      ids: ids
      assemblies: assemblies
      tumors: tumors
      normals: normals
      sexes: sexes
    out: [names, assembly, tumor, normal, sex]
  annotate:
    run: annotate.cwl
    scatter: [vcf, name, assembly, tumor, normal, sex]
    scatterMethod: dotproduct
    in:
      marrowscope: marrowscope
      vcf: vcfs
      name: entries/names
      assembly: entries/assembly
      tumor: entries/tumor
      normal: entries/normal
      sex: entries/sex
    out: [report]
  tables:
    run: cohort-tables.cwl
    in:
      marrowscope: marrowscope
      manifest: manifest
      reports: annotate/report
    out: [cohort_json, findings, summary]
outputs:
  reports:
    type: File[]
    outputSource: annotate/report
  cohort_json:
    type: File
    outputSource: tables/cohort_json
  findings:
    type: File
    outputSource: tables/findings
  summary:
    type: File
    outputSource: tables/summary
