import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a forge server saw: its path with query, and the credential headers it carried. */
export interface SeenRequest {
  url: string;
  authorization: string | undefined;
  privateToken: string | undefined;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ForgeServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server on 127.0.0.1:0 answering GitHub- or GitLab-shaped JSON: `route` gets the path
 * with its query (and the server's own origin, for Link headers) and returns the reply, or null for 404.
 */
export async function startForge(route: (url: string, origin: string) => Reply | null): Promise<ForgeServer> {
  const seen: SeenRequest[] = [];
  let origin = '';
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = req.url ?? '/';
    seen.push({
      url,
      authorization: req.headers.authorization,
      privateToken: req.headers['private-token'] as string | undefined,
    });
    const reply = route(url, origin);
    res.writeHead(reply?.status ?? (reply === null ? 404 : 200), {
      'content-type': 'application/json',
      ...reply?.headers,
    });
    res.end(JSON.stringify(reply?.body ?? { message: 'Not Found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    seen,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
