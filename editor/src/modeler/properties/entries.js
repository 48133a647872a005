// Small entry factories over @bpmn-io/properties-panel's components, so the ISO groups read
// as data: `text('iso-document-code', { label, get, set })`. `get` returns the current value,
// `set` writes the new one (undefined when the input is emptied) through a Change.
import {
  CheckboxEntry,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { useEffect } from '@bpmn-io/properties-panel/preact/hooks';
import { jsx, jsxs, Fragment } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import { useService } from 'bpmn-js-properties-panel';

function TextEntry(props) {
  const { element, id, label, description, disabled, validate, get, set, area } = props;
  const debounce = useService('debounceInput');
  const common = {
    element, id, label, description, disabled, validate, debounce,
    getValue: () => get() ?? '',
    setValue: (value) => set(value === '' ? undefined : value)
  };
  return area ? TextAreaEntry({ ...common, rows: 2, autoResize: true }) : TextFieldEntry(common);
}

function ChoiceEntry(props) {
  const { element, id, label, disabled, get, set, options } = props;
  const value = get() ?? '';
  // a value the list does not know (a typo in the file) is shown as it is, not as the first option
  const known = options.some((option) => option.value === value);
  return SelectEntry({
    element, id, label, disabled,
    getValue: () => value,
    setValue: (next) => set(next === '' ? undefined : next),
    getOptions: () => (known ? options : [{ value, label: value || '—' }, ...options])
  });
}

function FlagEntry(props) {
  const { element, id, label, disabled, get, set } = props;
  return CheckboxEntry({
    element, id, label, disabled,
    getValue: () => !!get(),
    setValue: (value) => set(!!value)
  });
}

/** A text input that suggests `suggestions` (an HTML datalist) and accepts anything typed. */
function SuggestEntry(props) {
  const { id, suggestions } = props;
  const listId = `${id}-suggestions`;
  useEffect(() => {
    const input = document.getElementById(`bio-properties-panel-${id}`);
    if (input) {
      input.setAttribute('list', listId);
    }
  });
  return jsxs(Fragment, {
    children: [
      TextEntry(props),
      jsx('datalist', {
        id: listId,
        children: suggestions.map((value) => jsx('option', { value }, value))
      })
    ]
  });
}

/** A single-line text entry; `{ area: true }` makes it a text area. */
export function text(id, options) {
  const isEdited = options.area ? isTextAreaEntryEdited : isTextFieldEntryEdited;
  return { id, component: TextEntry, isEdited, ...options };
}

/** A select over `options` ([{ value, label }]). */
export function select(id, options) {
  return { id, component: ChoiceEntry, isEdited: isSelectEntryEdited, ...options };
}

/** A checkbox; `get` returns a boolean, `set` receives one. */
export function flag(id, options) {
  return { id, component: FlagEntry, isEdited: isCheckboxEntryEdited, ...options };
}

/** A text entry with suggestions (`options.suggestions`), free text allowed. */
export function suggest(id, options) {
  return { id, component: SuggestEntry, isEdited: isTextFieldEntryEdited, ...options };
}

/** A list group: `items` are [{ id, label, entries, remove }], `add` creates one more. */
export function list(id, label, items, add) {
  return { id, label, component: ListGroup, items, add };
}

/** `{ value: label }` as select options, in the object's order. */
export function optionsOf(labels) {
  return Object.entries(labels).map(([value, label]) => ({ value, label }));
}

/** A click handler for a list's add and remove buttons: the click must not also toggle the
 * list open or closed. */
export function action(fn) {
  return (event) => {
    event.stopPropagation();
    fn();
  };
}

const NUMBER = /^\d+([.,]\d+)?$/;
const WHOLE = /^[1-9]\d*$/;

/** Validators returning the message of `messages` for a bad value, nothing for a good one. */
export function validators(messages) {
  return {
    number: (value) => (value && !NUMBER.test(value.trim()) ? messages.invalidNumber : undefined),
    whole: (value) => (value && !WHOLE.test(value.trim()) ? messages.invalidWhole : undefined),
    code: (value) => (value && !/^[a-z0-9._-]+$/.test(value) ? messages.invalidCode : undefined),
    name: (value) => (value && !/^[a-z_][a-z0-9_]*$/.test(value) ? messages.invalidName : undefined)
  };
}

/** A number as the file writes it: a comma is read as a dot. */
export function number(value) {
  return value === undefined ? undefined : value.trim().replace(',', '.');
}
