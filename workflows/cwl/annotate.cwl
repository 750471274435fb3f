#!/usr/bin/env cwl-runner
# One VCF → its marrowscope JSON report (research use only; not a diagnosis).
# `marrowscope` is the folder of the built CLI (dist/ with cli.cjs) so that no container is needed;
# with a container, a node:20 image with `npm i -g marrowscope` is enough (a hint, not a requirement).
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
  - $(inputs.marrowscope.path)/cli.cjs
  - annotate
  - $(inputs.vcf.path)
  - --assembly
  - $(inputs.assembly)
  - -o
  - $(inputs.name).json
inputs:
  marrowscope: Directory
  vcf: File
  name: string
  assembly:
    type: string
    default: auto
outputs:
  report:
    type: File
    outputBinding:
      glob: $(inputs.name).json
