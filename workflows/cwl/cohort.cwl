#!/usr/bin/env cwl-runner
# marrowscope over a cohort: scatter `annotate` over the entries, gather into the cohort tables,
# equal to what `marrowscope cohort` writes. Runs with cwltool, or Toil on Slurm/Kubernetes.
# Research use only; not a diagnosis.
cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  marrowscope: Directory
  manifest: File
  vcfs: File[]
  names: string[]
  assemblies: string[]
steps:
  annotate:
    run: annotate.cwl
    scatter: [vcf, name, assembly]
    scatterMethod: dotproduct
    in:
      marrowscope: marrowscope
      vcf: vcfs
      name: names
      assembly: assemblies
    out: [report]
  tables:
    run: cohort-tables.cwl
    in:
      marrowscope: marrowscope
      manifest: manifest
      reports: annotate/report
    out: [cohort_json, findings, summary]
outputs:
  cohort_json:
    type: File
    outputSource: tables/cohort_json
  findings:
    type: File
    outputSource: tables/findings
  summary:
    type: File
    outputSource: tables/summary
