// The diagram on a dossier's page: every `<div class="diagram" data-bpmn-url="…">` becomes a
// bpmn-js NavigatedViewer (pan and zoom, no editing) of that procedure version, with the
// steps already done and the steps open now marked.
//
//   <div class="diagram" data-bpmn-url="/ho-so/CODE/so-do.bpmn"
//        data-done="Task_TiepNhan Task_ThamDinh" data-current="Task_XemXet"></div>
//
// The comparison of two procedure versions marks elements the same way with `data-added`,
// `data-removed` and `data-changed`; the leaders' step heatmap with `data-heat-1` (no step
// late) to `data-heat-5` (more than half late).
//
// The XML is fetched from the same origin (with the session cookie). When it cannot be
// loaded or read, the element says so in words instead of staying blank. Each element gets
// `data-state="loading"`, then `"ready"` or `"error"`, and the events `diagram:ready` /
// `diagram:error` (detail: the viewer, or the error), for the page and for tests.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

/** Marker names, each read from the element's `data-<name>` list of ids. */
const MARKERS = ['done', 'current', 'added', 'removed', 'changed',
  'heat-1', 'heat-2', 'heat-3', 'heat-4', 'heat-5'];

import iso from '../resources/iso.json';

const MESSAGES = {
  vi: {
    fetch: (status) => `Không tải được sơ đồ quy trình (mã lỗi HTTP ${status}).`,
    network: 'Không tải được sơ đồ quy trình: không kết nối được máy chủ.',
    read: 'Không hiển thị được sơ đồ quy trình: tệp BPMN không đọc được.',
    missing: 'Không có địa chỉ của sơ đồ quy trình (thiếu data-bpmn-url).'
  },
  en: {
    fetch: (status) => `The procedure diagram could not be loaded (HTTP ${status}).`,
    network: 'The procedure diagram could not be loaded: the server did not answer.',
    read: 'The procedure diagram could not be shown: the BPMN file could not be read.',
    missing: 'No diagram address was given (data-bpmn-url is missing).'
  }
};

function messages() {
  const lang = (document.documentElement.lang || 'vi').slice(0, 2);
  return MESSAGES[lang] || MESSAGES.vi;
}

function ids(text) {
  return (text || '').split(/[\s,]+/).filter(Boolean);
}

class DiagramError extends Error {}

async function fetchXml(url) {
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/xml, text/xml' }
    });
  } catch (cause) {
    throw new DiagramError(messages().network, { cause });
  }
  if (!response.ok) {
    throw new DiagramError(messages().fetch(response.status));
  }
  return response.text();
}

function showError(element, error) {
  element.replaceChildren();
  const note = document.createElement('p');
  note.className = 'diagram-error';
  note.setAttribute('role', 'alert');
  note.textContent = error instanceof DiagramError ? error.message : messages().read;
  element.appendChild(note);
  element.dataset.state = 'error';
  element.dispatchEvent(new CustomEvent('diagram:error', { detail: error, bubbles: true }));
}

/** Render one `.diagram` element; resolves to the viewer, or null when it failed. */
export async function render(element) {
  if (element.dataset.state === 'loading' || element.dataset.state === 'ready') {
    return null;
  }
  element.dataset.state = 'loading';
  const url = element.dataset.bpmnUrl;
  let viewer = null;
  try {
    if (!url) {
      throw new DiagramError(messages().missing);
    }
    const xml = await fetchXml(url);
    element.replaceChildren();
    viewer = new NavigatedViewer({ container: element, moddleExtensions: { iso } });
    await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    canvas.zoom('fit-viewport');
    for (const marker of MARKERS) {
      const list = element.dataset[marker];
      for (const id of ids(list)) {
        if (registry.get(id)) {
          canvas.addMarker(id, marker);
        }
      }
    }
  } catch (error) {
    if (viewer) {
      viewer.destroy();
    }
    showError(element, error);
    return null;
  }
  element.dataset.state = 'ready';
  element.dispatchEvent(new CustomEvent('diagram:ready', { detail: viewer, bubbles: true }));
  return viewer;
}

/** Render every `.diagram[data-bpmn-url]` below `root` (default: the document). */
export function renderAll(root = document) {
  return Promise.all(Array.from(root.querySelectorAll('.diagram[data-bpmn-url]'), render));
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => renderAll());
} else {
  renderAll();
}
