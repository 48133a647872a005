// Builds the browser assets into the Python package's static files
// (src/isobpmn/web/static/editor/, git-ignored, shipped as package data):
//
//   viewer.js            src/viewer.js bundled with bpmn-js (NavigatedViewer) by esbuild, one
//                        classic script (window.isobpmnViewer: render, renderAll)
//   viewer.css           the dossier page's stylesheet: bpmn-js's, plus the step markers
//   replay.js            src/replay.js (the replay player of a dossier, on viewer.js) bundled
//                        the same way (window.isobpmnReplay: start, playerOf, Player)
//   replay.css           the replay page's stylesheet: viewer.css, plus the player
//   modeler.js           src/modeler.js bundled with bpmn-js (Modeler) and the properties
//                        panel, one classic script (window.isobpmnModeler: mount, controllerOf)
//   modeler.css          the modeler page's stylesheet: bpmn-js's, the panel's, the layout
//   diagram-js.css       bpmn-js's own stylesheets and the bpmn icon font, copied unchanged
//   bpmn-js.css
//   bpmn-font/           css/bpmn.css and font/*
//   properties-panel.css @bpmn-io/properties-panel's stylesheet, copied unchanged
//
//   node scripts/build.mjs [OUT_DIR]
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = resolve(process.argv[2] || join(root, '..', 'src', 'isobpmn', 'web', 'static', 'editor'));
const modules = join(root, 'node_modules');
const assets = join(modules, 'bpmn-js', 'dist', 'assets');

const BUNDLES = [
  { entry: 'viewer.js', globalName: 'isobpmnViewer' },
  { entry: 'replay.js', globalName: 'isobpmnReplay' },
  { entry: 'modeler.js', globalName: 'isobpmnModeler' }
];

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

for (const { entry, globalName } of BUNDLES) {
  await build({
    entryPoints: [join(root, 'src', entry)],
    outfile: join(out, entry),
    bundle: true,
    format: 'iife',
    globalName,
    target: ['es2020'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'warning'
  });
}

await cp(join(root, 'src', 'viewer.css'), join(out, 'viewer.css'));
await cp(join(root, 'src', 'replay.css'), join(out, 'replay.css'));
await cp(join(root, 'src', 'modeler.css'), join(out, 'modeler.css'));
await cp(join(assets, 'diagram-js.css'), join(out, 'diagram-js.css'));
await cp(join(assets, 'bpmn-js.css'), join(out, 'bpmn-js.css'));
await cp(join(assets, 'bpmn-font'), join(out, 'bpmn-font'), { recursive: true });
await cp(join(modules, '@bpmn-io', 'properties-panel', 'dist', 'assets', 'properties-panel.css'),
         join(out, 'properties-panel.css'));

console.log(`editor: built ${out}`);
