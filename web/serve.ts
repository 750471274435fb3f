/**
 * A static file server for the built page (web/dist), for the browser test: the page's own files
 * only, with the MIME types module scripts need, and a log of every path asked for.
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export interface StaticServer {
  readonly origin: string;
  /** Paths served, in order (`/index.html`, `/assets/worker-….js`, …). */
  readonly served: string[];
  /** While true, every connection is dropped: the network as a page sees it when it goes away. */
  offline: boolean;
  close(): Promise<void>;
}

/** Serves `root` on 127.0.0.1 at a free port; `/` is `/index.html`. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const served: string[] = [];
  const state = { offline: false };
  const server: Server = createServer((request, response) => {
    if (state.offline) {
      request.socket.destroy();
      return;
    }
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root + sep)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => {
        served.push(path === "/" ? "/index.html" : path);
        response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    get offline() {
      return state.offline;
    },
    set offline(value: boolean) {
      state.offline = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
