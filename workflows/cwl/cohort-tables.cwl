#!/usr/bin/env cwl-runner
# The cohort tables from per-entry JSON reports (marrowscope cohort --tables-only).
cwlVersion: v1.2
class: CommandLineTool
label: marrowscope cohort tables
requirements:
  InlineJavascriptRequirement: {}
  InitialWorkDirRequirement:
    listing: $(inputs.reports)
baseCommand: node
arguments:
  - $(inputs.marrowscope.path)/cli.cjs
  - cohort
  - --manifest
  - $(inputs.manifest.path)
  - -o
  - .
  - --tables-only
inputs:
  marrowscope: Directory
  manifest: File
  reports: File[]
outputs:
  cohort_json:
    type: File
    outputBinding: { glob: cohort.json }
  findings:
    type: File
    outputBinding: { glob: cohort-findings.tsv }
  summary:
    type: File
    outputBinding: { glob: cohort-summary.tsv }
