// Bundles src/main.jsx into ../dist/playground.{js,css}, which the Go package
// embeds. Run via `npm run build` (or `make playground` from the repo root).
import { readFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';

const outJS = '../dist/playground.js';
const outCSS = '../dist/playground.css'; // esbuild names the CSS after the JS

await esbuild.build({
  entryPoints: ['src/main.jsx'],
  outfile: outJS,
  bundle: true,
  minify: true,
  sourcemap: false,
  legalComments: 'eof', // keep the MIT notices of bundled packages
  format: 'iife',
  target: ['es2020'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Whatever a stylesheet references is inlined, so the page makes no extra requests.
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl' },
  plugins: [stubGraphqlWs()],
  logLevel: 'info',
});

await checkOffline();

// @graphiql/toolkit imports the optional peer graphql-ws lazily, only for
// subscriptionUrl, which the playground never sets; a stub keeps it out.
function stubGraphqlWs() {
  return {
    name: 'stub-graphql-ws',
    setup(build) {
      build.onResolve({ filter: /^graphql-ws$/ }, () => ({ path: 'graphql-ws', namespace: 'stub' }));
      build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
        contents: 'export function createClient() { throw new Error("subscriptions are not supported by this playground"); }',
        loader: 'js',
      }));
    },
  };
}

// checkOffline fails the build when the bundle could reach outside the host:
// the CSS must reference no remote URL at all (GraphiQL's fonts come inlined as
// data: URIs), and every URL in the JS must be one reviewed as never fetched.
// After a dependency upgrade, review new URLs before adding them here. The
// page's Content-Security-Policy (connect-src/img-src 'self') is the backstop.
async function checkOffline() {
  const urlRE = /https?:\/\/[A-Za-z0-9._~:/?#@!$&+,;=%-]*/g;
  const css = await readFile(outCSS, 'utf8');
  const remote = [...new Set(css.match(urlRE) ?? [])];
  if (/@import/.test(css)) remote.push('@import');
  if (remote.length) fail(`${outCSS} references remote resources: ${remote.join(' ')}`);

  const reviewed = [
    /^http:\/\/\$?$/, // markdown-it/linkify adding a scheme to bare links in docs
    /^http:\/\/www\.w3\.org\//, // XML namespace names used by React DOM
    /^https:\/\/codemirror\.net\//, // link in the shortcuts dialog
    /^https:\/\/commonmark\.org\/$/, // built-in directive descriptions (graphql-js)
    /^https:\/\/en\.wikipedia\.org\/wiki\/IEEE_floating_point$/, // Float description
    /^https:\/\/github\.com\/graphql\/graphiql/, // logo link and an error message
    /^https:\/\/github\.com\/jonschlinkert/, // license comments
    /^https:\/\/reactjs\.org\/docs\/error-decoder\.html/, // React error messages
    /^https:\/\/yarnpkg\.com\/en\/docs\/selective-version-resolutions$/, // graphql-js error
  ];
  const js = await readFile(outJS, 'utf8');
  const unknown = [...new Set(js.match(urlRE) ?? [])].filter((u) => !reviewed.some((re) => re.test(u)));
  if (unknown.length) fail(`${outJS} contains unreviewed URLs (see checkOffline in build.mjs): ${unknown.join(' ')}`);
  console.log('offline check: no remote URLs in the CSS; JS URLs are all reviewed');
}

function fail(msg) {
  console.error(msg);
  process.exit(1);
}
