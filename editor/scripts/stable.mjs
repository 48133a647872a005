// Byte-stable saving: each diagram is read into bpmn-moddle with the iso descriptor (the model
// of the isobpmn modeler) and saved; the saved copy is read and saved again. The second save
// must equal the first byte for byte (opening and saving a diagram changes nothing), and the
// first save must hold exactly the iso elements, attributes and texts of the original.
//
// The iso content is compared through a second, independent reading without the descriptor,
// where iso elements are plain XML (name, attributes, text, children): for each BPMN element
// (by id), its iso extension elements in the original and in the save must be the same, with
// children compared in document order per element name (the schema allows any order between
// names, and the descriptor writes them in its own).
//
//   node scripts/stable.mjs [--descriptor ISO_JSON] OUT_DIR FILE...
//
// Each first save is written to OUT_DIR. --descriptor checks another version of the iso
// descriptor (default: resources/iso.json), e.g. a change to it before it is made.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnModdle } from 'bpmn-moddle';

const ISO_NS = 'urn:isobpmn:iso:1';
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let descriptor = join(here, '..', 'resources', 'iso.json');
if (args[0] === '--descriptor') {
  args.shift();
  descriptor = args.shift();
}
const [outDir, ...files] = args;
if (!descriptor || !outDir || files.length === 0) {
  console.error('usage: stable.mjs [--descriptor ISO_JSON] OUT_DIR FILE...');
  process.exit(2);
}
const iso = JSON.parse(await readFile(descriptor, 'utf8'));

/** Read and save once with the iso descriptor, as the modeler does. */
async function save(xml) {
  const { rootElement, warnings } = await new BpmnModdle({ iso }).fromXML(xml, 'bpmn:Definitions');
  if (warnings.length) {
    throw new Error(warnings.map((w) => w.message).join('; '));
  }
  return (await new BpmnModdle({ iso }).toXML(rootElement, { format: true })).xml;
}

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** An iso element read without the descriptor, as { name, attrs, text, children }. */
function canonical(element, prefix) {
  const attrs = {};
  for (const [name, value] of Object.entries(element)) {
    if (!name.startsWith('$')) {
      attrs[name] = value;
    }
  }
  for (const [name, value] of Object.entries(element.$attrs || {})) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) {
      attrs[name] = value;
    }
  }
  return {
    name: element.$type.slice(prefix.length + 1),
    attrs: Object.fromEntries(Object.keys(attrs).sort().map((name) => [name, attrs[name]])),
    text: (element.$body || '').trim(),
    children: (element.$children || []).map((child) => canonical(child, prefix)).sort(byName)
  };
}

/** Where two canonical lists first differ, in words; '' when they are the same. */
function difference(before, after, path) {
  if (before.length !== after.length || before.some((b, i) => b.name !== after[i].name)) {
    return `${path}: [${before.map((b) => b.name)}] became [${after.map((a) => a.name)}]`;
  }
  for (const [i, b] of before.entries()) {
    const a = after[i];
    const here = `${path}/${b.name}[${i}]`;
    const attrs = new Set([...Object.keys(b.attrs), ...Object.keys(a.attrs)]);
    for (const name of attrs) {
      if (b.attrs[name] !== a.attrs[name]) {
        const [was, now] = [b.attrs[name], a.attrs[name]].map((value) => JSON.stringify(value));
        return `${here}@${name}: ${was} became ${now}`;
      }
    }
    if (b.text !== a.text) {
      return `${here}: text ${JSON.stringify(b.text)} became ${JSON.stringify(a.text)}`;
    }
    const inner = difference(b.children, a.children, here);
    if (inner) {
      return inner;
    }
  }
  return '';
}

/** { bpmn id: [iso extension elements as plain data] } read without the iso descriptor. */
async function isoContent(xml) {
  const { rootElement, elementsById } = await new BpmnModdle().fromXML(xml, 'bpmn:Definitions');
  const declared = Object.entries(rootElement.$attrs || {}).find(([, uri]) => uri === ISO_NS);
  const prefix = declared ? declared[0].replace(/^xmlns:/, '') : 'iso';
  const content = {};
  for (const [id, element] of Object.entries(elementsById)) {
    const values = (element.extensionElements && element.extensionElements.values) || [];
    const own = values.filter((value) => value.$type.startsWith(`${prefix}:`))
      .map((value) => canonical(value, prefix));
    if (own.length) {
      content[id] = own;
    }
  }
  return content;
}

function firstDifference(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  const line = left.findIndex((text, i) => text !== right[i]);
  const at = line === -1 ? left.length : line;
  return `line ${at + 1}: ${JSON.stringify(left[at])} then ${JSON.stringify(right[at])}`;
}

await mkdir(outDir, { recursive: true });
let failed = false;
const fail = (file, message) => {
  console.error(`${file}: ${message}`);
  failed = true;
};

for (const file of files) {
  try {
    const original = await readFile(file, 'utf8');
    const first = await save(original);
    const second = await save(first);
    await writeFile(join(outDir, basename(file)), first);
    if (second !== first) {
      fail(file, `the second save differs from the first at ${firstDifference(first, second)}`);
    }
    const before = await isoContent(original);
    const after = await isoContent(first);
    for (const id of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const change = difference(before[id] || [], after[id] || [], id);
      if (change) {
        fail(file, `iso content changed at ${change}`);
      }
    }
  } catch (error) {
    fail(file, error.message);
  }
}
process.exit(failed ? 1 : 0);
