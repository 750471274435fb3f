/** How Node reads inputs: files by path, zlib on the thread pool. Shared by the Node entry and the CLI. */
import { LocalFile } from "generic-filehandle2";
import { browserResolvers, type Resolvers } from "./read.js";
import { decodeAscii } from "./vcf/ascii-node.js";
import { inflateBgzf } from "./vcf/bgzf-node.js";
import { inflateGzip } from "./vcf/gzip-node.js";
import { indexFromPath, type NodeVcfInput, toNodeSource } from "./vcf/node-input.js";

export const nodeResolvers: Resolvers = {
  inflateBgzf,
  inflateGzip,
  decodeAscii,
  source: (input, name) => toNodeSource(input as NodeVcfInput, name),
  index: (index) => (typeof index === "string" ? indexFromPath(index) : browserResolvers.index(index)),
  filehandle: (where) =>
    typeof where === "string" && !/^https?:\/\//.test(where) ? new LocalFile(where) : browserResolvers.filehandle!(where),
};
