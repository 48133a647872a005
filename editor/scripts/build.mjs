// Builds the browser assets into the Python package's static files
// (src/isobpmn/web/static/editor/, git-ignored, shipped as package data):
//
//   viewer.js        src/viewer.js bundled with bpmn-js (NavigatedViewer) by esbuild, one
//                    classic script (window.isobpmnViewer: render, renderAll)
//   viewer.css       the page's stylesheet: imports the two below, adds the step markers
//   diagram-js.css   bpmn-js's own stylesheets and the bpmn icon font, copied unchanged
//   bpmn-js.css
//   bpmn-font/       css/bpmn.css and font/*
//
//   node scripts/build.mjs [OUT_DIR]
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = resolve(process.argv[2] || join(root, '..', 'src', 'isobpmn', 'web', 'static', 'editor'));
const assets = join(root, 'node_modules', 'bpmn-js', 'dist', 'assets');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: [join(root, 'src', 'viewer.js')],
  outfile: join(out, 'viewer.js'),
  bundle: true,
  format: 'iife',
  globalName: 'isobpmnViewer',
  target: ['es2020'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning'
});

await cp(join(root, 'src', 'viewer.css'), join(out, 'viewer.css'));
await cp(join(assets, 'diagram-js.css'), join(out, 'diagram-js.css'));
await cp(join(assets, 'bpmn-js.css'), join(out, 'bpmn-js.css'));
await cp(join(assets, 'bpmn-font'), join(out, 'bpmn-font'), { recursive: true });

console.log(`editor: built ${out}`);
