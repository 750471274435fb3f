/**
 * Runs one command and measures it: wall seconds (hrtime around spawn → exit), peak RSS and CPU
 * seconds. Peak RSS comes from GNU `/usr/bin/time -v` when present (ru_maxrss: the largest single
 * process of the command, pipelines included); otherwise from polling /proc/<pid>/status VmHWM
 * over the process tree, which can miss a peak shorter than the poll interval (BENCH_RSS=poll forces
 * that path).
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const GNU_TIME = "/usr/bin/time";

/**
 * @typedef {object} Measurement
 * @property {number} exitCode
 * @property {number} wallS
 * @property {number|null} peakRssMB
 * @property {number|null} cpuS user + system seconds of the command and its children
 * @property {string} stdout captured stdout ("" unless `capture`)
 * @property {string} stderr last 2 kB of stderr
 * @property {string} rssMethod "time -v" | "proc poll"
 */

/**
 * @param {string[]} argv command and arguments (use ["bash", "-c", "..."] for pipelines)
 * @param {{ capture?: boolean, timeoutS?: number, env?: Record<string,string>, cwd?: string }} [opts]
 * @returns {Promise<Measurement>}
 */
export function measure(argv, opts = {}) {
  // BENCH_RSS=poll forces the fallback (to test it where GNU time is installed).
  const useTime = existsSync(GNU_TIME) && process.env.BENCH_RSS !== "poll";
  const report = join(tmpdir(), `bench-time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const cmd = useTime ? [GNU_TIME, "-v", "-o", report, ...argv] : argv;
  const devnull = openSync("/dev/null", "w");
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd[0], cmd.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", opts.capture ? "pipe" : devnull, "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr = (stderr + d).slice(-2048);
    });
    let polledKB = 0;
    const poller = useTime
      ? undefined
      : setInterval(() => {
          polledKB = Math.max(polledKB, treeHwmKB(child.pid));
        }, 10);
    const timer = opts.timeoutS
      ? setTimeout(() => {
          stderr += `\n[bench] killed after ${opts.timeoutS} s`;
          child.kill("SIGKILL");
        }, opts.timeoutS * 1000)
      : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - start) / 1e9;
      if (poller) clearInterval(poller);
      if (timer) clearTimeout(timer);
      closeSync(devnull);
      let peakRssMB = polledKB ? polledKB / 1024 : null;
      let cpuS = null;
      let exitCode = code ?? (signal ? 128 : 1);
      if (useTime && existsSync(report)) {
        const text = readFileSync(report, "utf8");
        rmSync(report, { force: true });
        const num = (re) => {
          const m = text.match(re);
          return m ? Number(m[1]) : null;
        };
        const kb = num(/Maximum resident set size \(kbytes\): (\d+)/);
        if (kb !== null) peakRssMB = kb / 1024;
        const user = num(/User time \(seconds\): ([\d.]+)/);
        const sys = num(/System time \(seconds\): ([\d.]+)/);
        if (user !== null && sys !== null) cpuS = user + sys;
        // time -v exits with the command's status; a signal shows as "Command terminated by signal".
        const status = num(/Exit status: (\d+)/);
        if (status !== null) exitCode = status;
        if (/Command terminated by signal/.test(text)) exitCode = exitCode || 128;
      }
      resolve({ exitCode, wallS, peakRssMB, cpuS, stdout, stderr, rssMethod: useTime ? "time -v" : "proc poll" });
    });
  });
}

/** Largest VmHWM (kB) among `pid` and its descendants, 0 when they are gone. */
function treeHwmKB(pid) {
  if (!pid) return 0;
  let best = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    try {
      const m = readFileSync(`/proc/${p}/status`, "utf8").match(/VmHWM:\s+(\d+)/);
      if (m) best = Math.max(best, Number(m[1]));
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, "utf8").trim();
        if (kids) stack.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // the process exited between the listing and the read
    }
  }
  return best;
}

/**
 * Runs a command to completion without measuring; throws with its stderr on failure.
 * @param {string[]} argv
 * @param {{ capture?: boolean, inherit?: boolean, env?: Record<string,string> }} [opts]
 * @returns {Promise<string>} stdout when `capture`
 */
export function run(argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", opts.capture ? "pipe" : opts.inherit ? "inherit" : "ignore", opts.inherit ? "inherit" : "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (d) => {
      stdout += d;
    });
    child.stderr?.setEncoding("utf8").on("data", (d) => {
      stderr = (stderr + d).slice(-4096);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${argv.join(" ")} exited ${code}${stderr ? `:\n${stderr.trim()}` : ""}`));
    });
  });
}

/** True when `name` is an executable on PATH. */
export function onPath(name) {
  return (process.env.PATH ?? "").split(":").some((dir) => dir && existsSync(join(dir, name)));
}
