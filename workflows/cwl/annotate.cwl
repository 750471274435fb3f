#!/usr/bin/env cwl-runner
# One VCF → its marrowscope JSON report (research use only; not a diagnosis).
# `marrowscope` is the folder of the built CLI (dist/ with cli.cjs) so that no container is needed;
# with a container, a node:20 image with `npm i -g marrowscope` is enough (a hint, not a requirement).
# The optional inputs are the columns of marrowscope cohort's manifest (assembly, tumor, normal, sex);
# an empty one is left off the command line, as cohort leaves it out of the entry's options.
cwlVersion: v1.2
class: CommandLineTool
label: marrowscope annotate
requirements:
  InlineJavascriptRequirement: {}
hints:
  DockerRequirement:
    dockerPull: node:20
baseCommand: node
arguments:
  - position: 0
    valueFrom: $(inputs.marrowscope.path)/cli.cjs
  - position: 1
    valueFrom: annotate
  - position: 3
    prefix: -o
    valueFrom: $(inputs.name).json
inputs:
  marrowscope:
    type: Directory
    doc: the built CLI's folder (dist/, with cli.cjs)
  vcf:
    type: File
    doc: plain, gzip or BGZF VCF; a .tbi/.csi beside it is staged with it and used
    secondaryFiles:
      - pattern: .tbi
        required: false
      - pattern: .csi
        required: false
    inputBinding:
      position: 2
  name:
    type: string
    doc: the report's file name without .json (marrowscope cohort's file name for the entry)
  assembly:
    type: string?
    doc: GRCh37, GRCh38 or auto (absent = auto)
    inputBinding:
      position: 4
      prefix: --assembly
  tumor:
    type: string?
    doc: the tumour sample of a tumour/normal pair
    inputBinding:
      position: 5
      prefix: --tumor
  normal:
    type: string?
    doc: the normal sample of a tumour/normal pair
    inputBinding:
      position: 6
      prefix: --normal
  sex:
    type: string?
    doc: male or female (X-linked genes)
    inputBinding:
      position: 7
      prefix: --sex
outputs:
  report:
    type: File
    outputBinding:
      glob: $(inputs.name).json
