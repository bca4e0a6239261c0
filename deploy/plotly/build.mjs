// Builds static/plotly/plotly-tsi.min.js from entry.js with the esbuild settings of plotly.js's
// own bundles (its esbuild-config.js), minified: `npm ci && node build.mjs`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import esbuild from 'esbuild';
import { environmentPlugin } from 'esbuild-plugin-environment';
import InlineCSSPlugin from 'esbuild-plugin-inline-css';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(require.resolve('plotly.js/package.json'), 'utf8'));

await esbuild.build({
    entryPoints: ['entry.js'],
    outfile: '../../static/plotly/plotly-tsi.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'eof',
    banner: {
        js: `/**\n* plotly.js (tsi: bar, box, heatmap, histogram, scatter, violin - minified) v${version}\n` +
            '* Copyright 2012-2026, Plotly, Inc.\n* All rights reserved.\n* Licensed under the MIT license\n*/',
    },
    plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
});
