// The bar above the canvas: the save button, the state of the diagram (unchanged, modified,
// saving, saved at …) and a message line for what went wrong, with actions (reload, download).

function button(label, className, onClick) {
  const node = document.createElement('button');
  node.type = 'button';
  node.className = className;
  node.textContent = label;
  node.addEventListener('click', onClick);
  return node;
}

export class Toolbar {
  /** `ui`: the toolbar's messages; `onSave` is left out in read-only mode. */
  constructor(container, ui, { onSave } = {}) {
    this.ui = ui;
    container.classList.add('iso-modeler-toolbar');
    container.setAttribute('role', 'toolbar');
    this.status = document.createElement('span');
    this.status.className = 'iso-modeler-status';
    this.status.setAttribute('aria-live', 'polite');
    this.message = document.createElement('div');
    this.message.className = 'iso-modeler-message';
    this.message.setAttribute('role', 'alert');
    this.message.hidden = true;
    const parts = [];
    if (onSave) {
      this.save = button(ui.save, 'iso-modeler-save', onSave);
      this.save.title = ui.saveTitle;
      parts.push(this.save);
    }
    parts.push(this.status, this.message);
    container.replaceChildren(...parts);
  }

  /** `state`: "unchanged", "modified", "saving", "saved" or "readonly". */
  setState(state, text) {
    this.status.dataset.state = state;
    this.status.textContent = text;
    if (this.save) {
      this.save.disabled = state === 'saving';
    }
  }

  /** Show `text` (kind "error" or "warning") with optional actions [{ label, onClick }]. */
  show(text, kind = 'error', actions = []) {
    this.message.dataset.kind = kind;
    const words = document.createElement('span');
    words.className = 'iso-modeler-message-text';
    words.textContent = text;
    const buttons = actions.map((a) => button(a.label, 'iso-modeler-action', a.onClick));
    this.message.replaceChildren(words, ...buttons);
    this.message.hidden = false;
  }

  clear() {
    this.message.hidden = true;
    this.message.replaceChildren();
  }
}
