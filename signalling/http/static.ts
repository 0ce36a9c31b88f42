import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import express, { type RequestHandler, Router } from 'express';
import { FILE_URL_PREFIX, FILE_WORKER_SCRIPT } from '../../shared/swarm/file-worker-protocol';

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>LiveConnect</title>
<h1>LiveConnect is not built yet</h1>
<p>The server is running, but the web client was not found. Run <code>npm run build</code>
(or start with <code>npm start</code>, which builds first).</p>`;

/**
 * The built client, with index.html for every other GET so History-API routes such as
 * /room/<id> load the app. Checked per request, so building after start needs no restart.
 */
export function staticClient(staticDir: string): Router {
  const router = Router();
  const index = join(staticDir, 'index.html');
  // Source maps would hand out the client's unminified source: the build writes none, and a
  // map left in the directory (a development build) is not served either.
  // A shared file's URL is answered by a guest's service worker from chunks of the mesh; a
  // request that reaches the server (a page the worker does not control) fails as a file
  // would, instead of playing index.html.
  router.use((req, res, next) => {
    if (req.path.endsWith('.map') || req.path.startsWith(FILE_URL_PREFIX)) {
      res.status(404).type('text').send('Not found');
    } else next();
  });
  router.use(
    express.static(staticDir, {
      index: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        if (FILE_WORKER_SCRIPT.test(`/${relative(staticDir, path)}`)) {
          res.setHeader('Service-Worker-Allowed', '/');
        }
      },
    }),
  );
  const fallback: RequestHandler = async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const exists = await stat(index).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!exists) {
      res.status(503).type('html').set('Retry-After', '30').send(NOT_BUILT);
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  };
  router.use(fallback);
  return router;
}
