// marrowscope annotate as an nf-core-style module: one VCF → its JSON report (research use only;
// not a diagnosis). NOT TESTED: Nextflow is not installed on the CI machine; test/workflows.test.ts
// only checks this file against meta.yml and against `marrowscope annotate --help`.
//
// The meta map may carry marrowscope cohort's manifest columns: assembly, tumor, normal, sex.
// The container is a hint: no BioContainers image of marrowscope exists (that needs a Bioconda
// recipe first); node:20 with `npm install -g marrowscope` added is what the tool needs.
process MARROWSCOPE_ANNOTATE {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "node:20"

    input:
    tuple val(meta), path(vcf), path(tbi)

    output:
    tuple val(meta), path("*.json"), emit: json
    tuple val("${task.process}"), val('marrowscope'), eval('marrowscope --version'), emit: versions_marrowscope, topic: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def index = tbi ? "--index ${tbi}" : ''
    def assembly = meta.assembly ? "--assembly ${meta.assembly}" : ''
    def tumor = meta.tumor ? "--tumor '${meta.tumor}'" : ''
    def normal = meta.normal ? "--normal '${meta.normal}'" : ''
    def sex = meta.sex ? "--sex ${meta.sex}" : ''
    """
    marrowscope annotate \\
        ${vcf} \\
        ${index} \\
        ${assembly} \\
        ${tumor} \\
        ${normal} \\
        ${sex} \\
        ${args} \\
        -o ${prefix}.json
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.json
    """
}
