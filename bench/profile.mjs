/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function, with bundled
 * dist/ locations mapped back to src/ through the build's source maps.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @typedef {object} ProfileRow
 * @property {string} fn        function name, or a V8 pseudo-frame such as "(garbage collector)"
 * @property {string} where     repo-relative file:line (source-mapped to src/ when possible)
 * @property {number} selfMs
 * @property {number} selfPct   of all sampled time, idle excluded
 */

/**
 * @param {string} file path of the .cpuprofile
 * @param {string} repo repository root, for relative paths
 * @returns {{ totalMs: number, idleMs: number, rows: ProfileRow[], inclusive: ProfileRow[] }} `rows`
 *   by self time, `inclusive` by time with the function anywhere on the stack (recursion counted
 *   once), both largest first; idle (the main thread waiting, e.g. on zlib work in the libuv
 *   pool) is kept apart
 */
export function summariseProfile(file, repo) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const maps = new SourceMaps();
  const keyOf = new Map();
  const frames = new Map();
  const frameKey = (id) => {
    let key = keyOf.get(id);
    if (key !== undefined) return key;
    const { functionName, url, lineNumber, columnNumber } = nodes.get(id).callFrame;
    const fn = functionName || "(anonymous)";
    const where = url ? maps.locate(url, lineNumber, columnNumber, repo) : "";
    key = `${fn}\u0000${where}`;
    if (!frames.has(key)) frames.set(key, { fn, where, self: 0, incl: 0 });
    keyOf.set(id, key);
    return key;
  };
  const { samples, timeDeltas } = profile;
  let totalUs = 0;
  let idleUs = 0;
  // timeDeltas[i] is the gap before sample i, so sample i lasts until sample i + 1.
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    const id = samples[i];
    if (!nodes.has(id)) continue;
    if (nodes.get(id).callFrame.functionName === "(idle)") {
      idleUs += dt;
      continue;
    }
    totalUs += dt;
    frames.get(frameKey(id)).self += dt;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = frameKey(at);
      if (seen.has(key)) continue;
      seen.add(key);
      frames.get(key).incl += dt;
    }
  }
  const toRow = (f, us) => ({ fn: f.fn, where: f.where, selfMs: round(us / 1000, 1), selfPct: round((100 * us) / (totalUs || 1), 1) });
  const all = [...frames.values()].filter((f) => f.fn !== "(root)");
  const rows = all
    .filter((f) => f.self > 0)
    .sort((a, b) => b.self - a.self || (a.fn < b.fn ? -1 : 1))
    .map((f) => toRow(f, f.self));
  const inclusive = all.sort((a, b) => b.incl - a.incl || (a.fn < b.fn ? -1 : 1)).map((f) => toRow(f, f.incl));
  return { totalMs: round(totalUs / 1000, 1), idleMs: round(idleUs / 1000, 1), rows, inclusive };
}

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

/** Lazily loaded source maps keyed by generated file. */
class SourceMaps {
  #cache = new Map();

  /** `file:line` (1-based) of a generated position, mapped to the original source when a map exists. */
  locate(url, line0, col0, repo) {
    let path;
    try {
      path = url.startsWith("file:") ? fileURLToPath(url) : url;
    } catch {
      return url;
    }
    const generated = `${path.startsWith("/") ? relative(repo, path) : path}:${line0 + 1}`;
    if (!path.startsWith("/")) return generated;
    const map = this.#load(path);
    const hit = map && lookup(map, line0, col0);
    if (!hit) return generated;
    const source = String(map.sources[hit.source]);
    // Our own bundle's sources are relative to dist/, which the bench runs from a copy of: keep
    // the repo-relative tail. Dependencies' maps resolve where they lie.
    const original = path.includes("/node_modules/")
      ? relative(repo, resolve(dirname(path), map.sourceRoot ?? "", source))
      : source.replace(/^(\.\.?\/)+/, "");
    return `${original}:${hit.line + 1}`;
  }

  #load(path) {
    if (this.#cache.has(path)) return this.#cache.get(path);
    let map = null;
    try {
      if (existsSync(`${path}.map`)) {
        map = JSON.parse(readFileSync(`${path}.map`, "utf8"));
        map.lines = decodeMappings(map.mappings);
      }
    } catch {
      map = null;
    }
    this.#cache.set(path, map);
    return map;
  }
}

const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

/** Decodes source-map v3 `mappings` into, per generated line, sorted [genCol, source, line, col]. */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  let line = 0;
  let col = 0;
  for (const text of mappings.split(";")) {
    const segments = [];
    let genCol = 0;
    for (const seg of text.split(",")) {
      if (!seg) continue;
      const v = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.get(ch) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          v.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += v[0] ?? 0;
      if (v.length >= 4) {
        source += v[1];
        line += v[2];
        col += v[3];
        segments.push([genCol, source, line, col]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

function lookup(map, line0, col0) {
  const segments = map.lines[line0];
  if (!segments || segments.length === 0) return null;
  let best = segments[0];
  for (const s of segments) {
    if (s[0] > col0) break;
    best = s;
  }
  return { source: best[1], line: best[2] };
}
