// Live validation: after each change (debounced), the exported XML goes to the server's
// validator; its findings come back as badges on the elements (red for errors, amber for
// warnings; the count on the badge, the messages in its tooltip), a coloured outline, and a
// problems list under the canvas. A problem with an element selects it and scrolls to it;
// a problem of the whole diagram is only listed.
//
// The list's data-state tells where it is: pending (a change waits for the debounce),
// checking, then ok (no findings), findings or failed.
import { ServerError } from './server';

const OVERLAY = 'iso-lint';
const RANK = { error: 0, warning: 1, info: 2 };

/** "error", "warning" or "info" for the validator's severity words (error, warn, info …). */
export function severityOf(word) {
  const value = String(word || '').toLowerCase();
  if (value === 'error') {
    return 'error';
  }
  return value.startsWith('warn') ? 'warning' : 'info';
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

export class LiveLint {
  /**
   * @param {Object} options
   * @param {Object} options.modeler    the bpmn-js Modeler
   * @param {HTMLElement} options.panel where the problems list goes
   * @param {Function} options.validate (xml, signal) => Promise<findings>
   * @param {Function} [options.exported] called with each exported XML (dirty tracking)
   * @param {Object} options.messages   the `lint` messages
   * @param {number} [options.delay]    debounce in ms
   */
  constructor({ modeler, panel, validate, exported, messages, delay = 600 }) {
    this.modeler = modeler;
    this.panel = panel;
    this.validate = validate;
    this.exported = exported || (() => {});
    this.m = messages;
    this.delay = delay;
    this.findings = [];
    this._timer = null;
    this._run = 0;
    this._abort = null;
    this._marked = [];
    this._build();
  }

  _build() {
    this.panel.classList.add('iso-problems');
    this.title = el('h2', 'iso-problems-title', this.m.title);
    this.summary = el('span', 'iso-problems-summary');
    this.title.append(' ', this.summary);
    this.list = el('ul', 'iso-problems-list');
    this.panel.setAttribute('aria-live', 'polite');
    this.panel.replaceChildren(this.title, this.list);
  }

  /** Validate `delay` ms after the last call. */
  schedule() {
    clearTimeout(this._timer);
    this.panel.dataset.state = 'pending';
    this._timer = setTimeout(() => this.run(), this.delay);
  }

  /** Export and validate now; a newer run makes an older answer void. */
  async run() {
    clearTimeout(this._timer);
    const run = ++this._run;
    if (this._abort) {
      this._abort.abort();
    }
    const abort = this._abort = new AbortController();
    this.panel.dataset.state = 'checking';
    this.summary.textContent = this.m.checking;
    let findings;
    try {
      const { xml } = await this.modeler.saveXML({ format: true });
      this.exported(xml);
      findings = await this.validate(xml, abort.signal);
    } catch (error) {
      if (run !== this._run || (error && error.name === 'AbortError')) {
        return;
      }
      this.panel.dataset.state = 'failed';
      const answered = error instanceof ServerError && error.status;
      const detail = error instanceof ServerError && !answered ? this.m.network
        : (error && error.message) || String(error);
      this.summary.textContent = this.m.failed(detail);
      return;
    }
    if (run !== this._run) {
      return;
    }
    this.show(findings);
  }

  /** The diagram element a finding points at, or null (no element, no shape, the root). */
  target(bpmnId) {
    if (!bpmnId) {
      return null;
    }
    const registry = this.modeler.get('elementRegistry');
    const root = this.modeler.get('canvas').getRootElement();
    let element = registry.get(bpmnId);
    if (!element) {
      element = registry.find((e) => e.type === 'bpmn:Participant' && e.businessObject.processRef
        && e.businessObject.processRef.id === bpmnId) || null;
    }
    return element && element !== root && !element.labelTarget ? element : null;
  }

  /** Replace the overlays and the list with `findings`. */
  show(findings) {
    const shown = findings.filter((f) => !f.suppressed)
      .map((f) => ({ ...f, level: severityOf(f.severity) }));
    const name = (f) => String(f.element_name || '');
    shown.sort((a, b) => RANK[a.level] - RANK[b.level] || name(a).localeCompare(name(b)));
    this.findings = shown;
    this._clearMarks();
    const byElement = new Map();
    for (const finding of shown) {
      const element = this.target(finding.bpmn_id);
      finding.element = element;
      if (element) {
        byElement.set(element, [...(byElement.get(element) || []), finding]);
      }
    }
    for (const [element, list] of byElement) {
      this._mark(element, list);
    }
    this._renderList(shown);
    const count = (level) => shown.filter((f) => f.level === level).length;
    this.summary.textContent = shown.length
      ? this.m.summary(count('error'), count('warning'), count('info')) : this.m.none;
    this.panel.dataset.state = shown.length ? 'findings' : 'ok';
    this.panel.dispatchEvent(new CustomEvent('modeler:linted', { detail: shown, bubbles: true }));
  }

  _mark(element, findings) {
    const level = findings[0].level;
    const badge = el('button', `iso-lint-badge iso-lint-badge--${level}`, String(findings.length));
    badge.type = 'button';
    badge.dataset.bpmnId = element.id;
    badge.title = findings.map((f) => `${this.m.severity[f.level]}: ${f.message}`).join('\n');
    badge.addEventListener('click', () => this.reveal(element));
    this.modeler.get('overlays').add(element.id, OVERLAY, {
      position: { top: -10, right: 10 },
      html: badge
    });
    this.modeler.get('canvas').addMarker(element, `iso-lint-${level}`);
    this._marked.push([element, `iso-lint-${level}`]);
  }

  _clearMarks() {
    this.modeler.get('overlays').remove({ type: OVERLAY });
    const canvas = this.modeler.get('canvas');
    const registry = this.modeler.get('elementRegistry');
    for (const [element, marker] of this._marked) {
      if (registry.get(element.id)) {
        canvas.removeMarker(element.id, marker);
      }
    }
    this._marked = [];
  }

  _renderList(findings) {
    this.list.replaceChildren(...findings.map((finding) => {
      const item = el('li', `iso-problem iso-problem--${finding.level}`);
      item.dataset.severity = finding.level;
      item.dataset.rule = finding.rule || '';
      if (finding.bpmn_id) {
        item.dataset.bpmnId = finding.bpmn_id;
      }
      const name = finding.element_name || finding.bpmn_id || this.m.diagram;
      let target;
      if (finding.element) {
        target = el('button', 'iso-problem-target', name);
        target.type = 'button';
        target.addEventListener('click', () => this.reveal(finding.element));
      } else {
        target = el('span', 'iso-problem-target', name);
      }
      item.append(
        el('span', 'iso-problem-severity', this.m.severity[finding.level]),
        target,
        el('span', 'iso-problem-message', finding.message),
        el('code', 'iso-problem-rule', finding.rule || '')
      );
      return item;
    }));
  }

  /** Select `element` and scroll it into view. */
  reveal(element) {
    const current = this.modeler.get('elementRegistry').get(element.id);
    if (!current) {
      return;
    }
    this.modeler.get('canvas').scrollToElement(current);
    this.modeler.get('selection').select(current);
  }

  destroy() {
    clearTimeout(this._timer);
    if (this._abort) {
      this._abort.abort();
    }
  }
}
