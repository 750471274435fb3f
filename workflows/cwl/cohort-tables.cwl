#!/usr/bin/env cwl-runner
# The cohort tables from per-entry JSON reports (marrowscope cohort --tables-only).
# The manifest is staged beside the reports and named by its file name, so cohort.json gives each
# entry's VCF as the manifest spells it (as `marrowscope cohort --manifest <name>` run in the
# manifest's folder does), not a path in the runner's staging area.
cwlVersion: v1.2
class: CommandLineTool
label: marrowscope cohort tables
requirements:
  InlineJavascriptRequirement: {}
  InitialWorkDirRequirement:
    listing:
      - $(inputs.manifest)
      - $(inputs.reports)
hints:
  DockerRequirement:
    dockerPull: node:20
baseCommand: node
arguments:
  - $(inputs.marrowscope.path)/cli.cjs
  - cohort
  - --manifest
  - $(inputs.manifest.basename)
  - -o
  - .
  - --tables-only
inputs:
  marrowscope:
    type: Directory
    doc: the built CLI's folder (dist/, with cli.cjs)
  manifest:
    type: File
    doc: marrowscope cohort's manifest (TSV; id, vcf, and optionally assembly, tumor, normal, sex)
  reports:
    type: File[]
    doc: the entries' <name>.json reports (annotate.cwl)
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
