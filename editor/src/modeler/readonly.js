// Read-only mode (data-readonly="true"): the diagram can be looked at, panned, zoomed and
// selected, its properties read, but nothing changes. Every modeling rule says no (no move,
// resize, create, connect or delete), double clicks open no label editor, the keyboard is not
// bound (see modeler.js), and the page hides the palette and context pad and disables the
// properties panel's inputs (modeler.css, a disabled fieldset).

const DENY_ALL = { allowed: () => false };

function NoLabelEditing(eventBus) {
  eventBus.on('element.dblclick', 10000, () => false);
}

NoLabelEditing.$inject = ['eventBus'];

export default {
  __init__: ['isoNoLabelEditing'],
  isoNoLabelEditing: ['type', NoLabelEditing],
  rules: ['value', DENY_ALL]
};
