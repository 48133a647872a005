// The procedure modeler: bpmn-js with the ISO properties panel, explicit save with a lock,
// and live validation. It mounts on
//
//   <div id="modeler" data-xml-url="…" data-save-url="…" data-validate-url="…"
//        data-roles-url="…" data-lock="3" data-lang="vi" data-readonly="false"></div>
//
// and fills it with a toolbar, the canvas beside the properties panel, and the problems list.
// A page that wants a part elsewhere gives an element with id `modeler-toolbar`,
// `modeler-canvas`, `modeler-properties` or `modeler-problems`, and the part goes there.
//
// The element gets data-state (loading → ready | error), data-dirty (true | false) and
// data-lock (the lock of the last save), and fires modeler:ready, modeler:error,
// modeler:saved, modeler:conflict and modeler:linted (from the problems list), for the page
// and for tests. window.isobpmnModeler.controllerOf(element).modeler is the bpmn-js Modeler.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import iso from '../resources/iso.json';
import { LiveLint } from './modeler/lint';
import { messagesFor } from './modeler/messages';
import IsoPropertiesModule from './modeler/properties';
import { extensionOf } from './modeler/properties/change';
import ReadOnlyModule from './modeler/readonly';
import { Server, ServerError } from './modeler/server';
import { Toolbar } from './modeler/toolbar';
import { translateModule } from './modeler/translate';

const controllers = new WeakMap();

function part(root, name, tag = 'div') {
  const given = document.getElementById(`modeler-${name}`);
  if (given) {
    return { node: given, own: false };
  }
  const node = document.createElement(tag);
  node.className = `iso-modeler-${name}`;
  return { node, own: true };
}

function isTrue(value) {
  return ['true', '1', 'readonly'].includes(String(value || '').toLowerCase());
}

/** The time of a save as hh:mm: the server's, when it says its time zone; otherwise this
 * browser's clock at the answer (a time without a zone cannot be placed). */
function timeOf(savedAt, lang) {
  const zoned = typeof savedAt === 'string' && /(Z|[+-]\d\d:?\d\d)$/i.test(savedAt);
  const date = zoned ? new Date(savedAt) : new Date();
  const shown = Number.isNaN(date.getTime()) ? new Date() : date;
  const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
  return shown.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** A file name for the diagram: its procedure's code, else its process's id. */
function fileNameOf(definitions) {
  const roots = (definitions && definitions.get('rootElements')) || [];
  const processes = roots.filter((root) => root.$type === 'bpmn:Process');
  for (const process of processes) {
    const procedure = extensionOf(process, 'iso:Procedure');
    const control = procedure && procedure.get('document');
    if (control && control.get('code')) {
      return `${control.get('code')}.bpmn`;
    }
  }
  return `${processes.length ? processes[0].id : 'quy-trinh'}.bpmn`;
}

export class ProcedureModeler {
  constructor(root) {
    this.root = root;
    const data = root.dataset;
    this.lang = (data.lang || document.documentElement.lang || 'vi').slice(0, 2).toLowerCase();
    this.m = messagesFor(this.lang);
    this.readonly = isTrue(data.readonly);
    this.lock = Number.parseInt(data.lock, 10) || 0;
    this.server = new Server({
      xml: data.xmlUrl,
      save: data.saveUrl,
      validate: data.validateUrl,
      roles: data.rolesUrl
    }, this.m.ui);
    this.modeler = null;
    this.lint = null;
    this.dirty = false;
    this.saving = false;
    this.leaving = false;
    this.savedXml = null;
    this.changes = 0;
  }

  _layout() {
    const root = this.root;
    root.classList.add('iso-modeler');
    root.classList.toggle('iso-modeler--readonly', this.readonly);
    const toolbar = part(root, 'toolbar');
    const canvas = part(root, 'canvas');
    const properties = part(root, 'properties');
    const problems = part(root, 'problems', 'section');
    const main = document.createElement('div');
    main.className = 'iso-modeler-main';
    main.append(...[canvas, properties].filter((p) => p.own).map((p) => p.node));
    const own = [toolbar, { node: main, own: main.childElementCount > 0 }, problems];
    root.replaceChildren(...own.filter((p) => p.own).map((p) => p.node));
    // a disabled fieldset makes every input of the panel read-only at once
    const panel = document.createElement(this.readonly ? 'fieldset' : 'div');
    panel.className = 'iso-modeler-panel';
    panel.disabled = this.readonly;
    properties.node.replaceChildren(panel);
    this.parts = { toolbar: toolbar.node, canvas: canvas.node, panel, problems: problems.node };
    const actions = this.readonly ? {} : { onSave: () => this.save() };
    this.toolbar = new Toolbar(toolbar.node, this.m.ui, actions);
  }

  async start() {
    this.root.dataset.state = 'loading';
    this._layout();
    this.toolbar.setState('loading', this.m.ui.loading);
    let xml;
    let roles = [];
    try {
      const [diagram, answer] = await Promise.all([
        this.server.diagram(),
        this.server.roles().catch((error) => error)
      ]);
      xml = diagram;
      if (answer instanceof Error) {
        this.toolbar.show(this.m.ui.rolesFailed, 'warning');
      } else {
        roles = answer;
      }
      this.modeler = this._create(roles);
      const { warnings } = await this.modeler.importXML(xml);
      if (warnings.length) {
        this.toolbar.show(this.m.ui.importWarnings(warnings.length), 'warning');
      }
    } catch (error) {
      this._fail(error);
      return this;
    }
    this.modeler.get('canvas').zoom('fit-viewport', 'auto');
    this.savedXml = (await this.modeler.saveXML({ format: true })).xml;
    this._setDirty(false);
    this.lint = new LiveLint({
      modeler: this.modeler,
      panel: this.parts.problems,
      validate: (text, signal) => this.server.validate(text, signal),
      exported: (text) => this._exported(text),
      messages: this.m.lint
    });
    this.modeler.on('commandStack.changed', (event) => {
      if (event.trigger === 'clear') {
        return;
      }
      this.changes += 1;
      this._setDirty(true);
      this.lint.schedule();
    });
    this._bindPage();
    this.root.dataset.state = 'ready';
    this.root.dispatchEvent(new CustomEvent('modeler:ready', { detail: this, bubbles: true }));
    if (this.server.urls.validate) {
      this.lint.run();
    }
    return this;
  }

  _create(roles) {
    return new Modeler({
      container: this.parts.canvas,
      keyboard: { bind: !this.readonly },
      propertiesPanel: { parent: this.parts.panel },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        IsoPropertiesModule,
        translateModule(this.m.bpmn),
        { isoConfig: ['value', { messages: this.m.panel, roles }] },
        ...(this.readonly ? [ReadOnlyModule] : [])
      ],
      moddleExtensions: { iso }
    });
  }

  _fail(error) {
    if (this.modeler) {
      this.modeler.destroy();
      this.modeler = null;
    }
    const note = document.createElement('p');
    note.className = 'iso-modeler-error';
    note.setAttribute('role', 'alert');
    note.textContent = error instanceof ServerError ? error.message : this.m.ui.read;
    this.root.replaceChildren(note);
    this.root.dataset.state = 'error';
    this.root.dispatchEvent(new CustomEvent('modeler:error', { detail: error, bubbles: true }));
  }

  _bindPage() {
    this._onKey = (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        this.save();
      }
    };
    this._onLeave = (event) => {
      if (this.dirty && !this.leaving && !this.readonly) {
        event.preventDefault();
        event.returnValue = this.m.ui.leave;
        return this.m.ui.leave;
      }
      return undefined;
    };
    document.addEventListener('keydown', this._onKey);
    window.addEventListener('beforeunload', this._onLeave);
  }

  _exported(xml) {
    this._setDirty(xml !== this.savedXml);
  }

  _setDirty(dirty) {
    this.dirty = dirty && !this.readonly;
    this.root.dataset.dirty = String(this.dirty);
    if (this.saving) {
      return;
    }
    if (this.readonly) {
      this.toolbar.setState('readonly', this.m.ui.readonly);
    } else if (this.dirty) {
      this.toolbar.setState('modified', this.m.ui.modified);
    } else if (this.savedAt !== undefined) {
      this.toolbar.setState('saved', this.m.ui.savedAt(timeOf(this.savedAt, this.lang)));
    } else {
      this.toolbar.setState('unchanged', this.m.ui.unchanged);
    }
  }

  /** Save the diagram with the current lock; resolves to true when it was saved. */
  async save() {
    if (this.readonly || this.saving || !this.modeler) {
      return false;
    }
    this.saving = true;
    this.toolbar.setState('saving', this.m.ui.saving);
    const mark = this.changes;
    let xml;
    let result;
    try {
      xml = (await this.modeler.saveXML({ format: true })).xml;
      result = await this.server.save(xml, this.lock);
    } catch (error) {
      this.saving = false;
      this._setDirty(this.dirty);
      this._saveFailed(error);
      return false;
    }
    this.saving = false;
    this.lock = result.lock;
    this.root.dataset.lock = String(result.lock);
    this.savedXml = xml;
    this.savedAt = result.savedAt;
    this.toolbar.clear();
    this._setDirty(this.changes !== mark);
    this.root.dispatchEvent(new CustomEvent('modeler:saved', { detail: result, bubbles: true }));
    return true;
  }

  _saveFailed(error) {
    if (!(error instanceof ServerError)) {
      throw error;
    }
    if (error.status === 409) {
      this.toolbar.show(error.message, 'error', [
        { label: this.m.ui.reload, onClick: () => this.reload() },
        { label: this.m.ui.download, onClick: () => this.download() }
      ]);
      this.root.dispatchEvent(new CustomEvent('modeler:conflict', { detail: error, bubbles: true }));
    } else {
      // not answered at all: the diagram is only on this page, offer to keep it
      const keep = { label: this.m.ui.download, onClick: () => this.download() };
      this.toolbar.show(error.message, 'error', error.status ? [] : [keep]);
    }
  }

  /** Load the page again (and with it the saved diagram and its lock), after asking when
   * there are unsaved changes. */
  reload() {
    if (this.dirty && !window.confirm(this.m.ui.reloadConfirm)) {
      return;
    }
    this.leaving = true;
    window.location.reload();
  }

  /** Offer the diagram as it is on the page as a .bpmn file. */
  async download() {
    const { xml } = await this.modeler.saveXML({ format: true });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
    link.download = fileNameOf(this.modeler.getDefinitions());
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  destroy() {
    document.removeEventListener('keydown', this._onKey);
    window.removeEventListener('beforeunload', this._onLeave);
    if (this.lint) {
      this.lint.destroy();
    }
    if (this.modeler) {
      this.modeler.destroy();
    }
    controllers.delete(this.root);
  }
}

/** Start the modeler on `element`; resolves to its controller (also when loading failed:
 * see its element's data-state). */
export function mount(element) {
  if (controllers.has(element)) {
    return Promise.resolve(controllers.get(element));
  }
  const controller = new ProcedureModeler(element);
  controllers.set(element, controller);
  return controller.start();
}

/** The controller mounted on `element`, if any. */
export function controllerOf(element) {
  return controllers.get(element);
}

function autoMount() {
  const element = document.getElementById('modeler');
  if (element) {
    mount(element);
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', autoMount);
} else {
  autoMount();
}
