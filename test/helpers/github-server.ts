import { createServer, type Server } from 'node:http';

/**
 * A local server shaped after GitHub's REST API for issue comments (docs.github.com/rest/issues/comments):
 * GET /repos/{o}/{r}/issues/{n}/comments (paginated with a Link header), POST the same path, PATCH
 * /repos/{o}/{r}/issues/comments/{id}. It checks the bearer token and records every request.
 */

export interface FakeComment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
}

export interface GithubServer {
  url: string;
  comments: FakeComment[];
  requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  /** Answer this status (with GitHub's error shape) for requests of a method, until cleared. */
  failWith: { method: string; status: number; message: string } | null;
  /** A Link header to send instead of the real next page (a hostile server). */
  linkOverride: string | null;
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

export async function startGithubServer(options: { token: string; owner: string; repo: string }) {
  let nextId = 1000;
  const state: Omit<GithubServer, 'url' | 'close'> = {
    comments: [],
    requests: [],
    failWith: null,
    linkOverride: null,
  };
  const send = (res: import('node:http').ServerResponse, status: number, body: unknown, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      state.requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
      });
      if (req.headers.authorization !== `Bearer ${options.token}`) {
        send(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
        return;
      }
      if (state.failWith !== null && state.failWith.method === req.method) {
        send(res, state.failWith.status, {
          message: state.failWith.message,
          status: String(state.failWith.status),
        });
        return;
      }
      const prefix = `/repos/${options.owner}/${options.repo}/issues/`;
      const list = new RegExp(`^${prefix}(\\d+)/comments$`).exec(url.pathname);
      const one = new RegExp(`^${prefix}comments/(\\d+)$`).exec(url.pathname);
      if (list !== null && req.method === 'GET') {
        const page = Number(url.searchParams.get('page') ?? '1');
        const slice = state.comments.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
        const last = Math.max(1, Math.ceil(state.comments.length / PAGE_SIZE));
        const link =
          state.linkOverride ??
          (page < last
            ? `<${base}${url.pathname}?per_page=${PAGE_SIZE}&page=${page + 1}>; rel="next", <${base}${url.pathname}?per_page=${PAGE_SIZE}&page=${last}>; rel="last"`
            : undefined);
        send(res, 200, slice, link === undefined ? {} : { link });
        return;
      }
      if (list !== null && req.method === 'POST') {
        const { body } = JSON.parse(raw) as { body: string };
        const id = nextId++;
        const created = {
          id,
          body,
          html_url: `https://github.com/${options.owner}/${options.repo}/pull/${list[1]}#issuecomment-${id}`,
          user: { login: 'github-actions[bot]', type: 'Bot' },
        };
        state.comments.push(created);
        send(res, 201, created);
        return;
      }
      if (one !== null && req.method === 'PATCH') {
        const found = state.comments.find((c) => c.id === Number(one[1]));
        if (found === undefined) {
          send(res, 404, { message: 'Not Found' });
          return;
        }
        found.body = (JSON.parse(raw) as { body: string }).body;
        send(res, 200, found);
        return;
      }
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
  const result: GithubServer = Object.assign(state, {
    url: base,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  });
  return result;
}
