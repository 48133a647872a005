// Reads each BPMN file with bpmn-moddle (the model layer of bpmn-js and Camunda Modeler) and
// writes it back out, as the modeler does on save. With --descriptor the iso moddle
// descriptor is registered, as the isobpmn modeler does; without it the iso elements travel
// as unknown extension elements, as in a stock modeler.
//
//   node scripts/roundtrip.mjs [--descriptor] OUT_DIR FILE...
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const args = process.argv.slice(2);
const useDescriptor = args[0] === '--descriptor';
if (useDescriptor) args.shift();
const [outDir, ...files] = args;
if (!outDir || files.length === 0) {
  console.error('usage: roundtrip.mjs [--descriptor] OUT_DIR FILE...');
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const extensions = {};
if (useDescriptor) {
  extensions.iso = JSON.parse(await readFile(join(here, '..', 'resources', 'iso.json'), 'utf8'));
}

await mkdir(outDir, { recursive: true });
let failed = false;
for (const file of files) {
  const moddle = new BpmnModdle(extensions);
  const xml = await readFile(file, 'utf8');
  try {
    const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
    for (const warning of warnings) {
      console.error(`${file}: warning: ${warning.message}`);
      failed = true;
    }
    const { xml: out } = await moddle.toXML(rootElement, { format: true });
    await writeFile(join(outDir, basename(file)), out);
  } catch (error) {
    console.error(`${file}: ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
