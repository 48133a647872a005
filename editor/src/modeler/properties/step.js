// A step's ISO groups (iso:step on a task, sub-process or call activity): its time allotment,
// the forms it uses, the results it produces and the fields the official fills in.
import { Group } from '@bpmn-io/properties-panel';
import { getBusinessObject, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { Change, extensionOf, read } from './change';
import { action, flag, list, number, optionsOf, select, text } from './entries';

const FIELD_TYPES = ['text', 'number', 'date', 'choice', 'bool', 'document'];

/** The groups for `ctx.element`, or [] when it is not an activity. */
export function stepGroups(ctx) {
  const businessObject = getBusinessObject(ctx.element);
  if (!isAny(businessObject, ['bpmn:Task', 'bpmn:SubProcess', 'bpmn:CallActivity'])) {
    return [];
  }
  const { element, injector, m } = ctx;
  const step = extensionOf(businessObject, 'iso:Step');
  // `fn(change, step)`: the iso:step is created by the first edit
  const edit = (fn) => {
    const change = new Change(element, injector);
    fn(change, change.extension(businessObject, 'iso:Step'));
    change.run();
  };
  const scope = { ...ctx, step, edit };
  return [
    allotmentGroup(scope),
    codedTextGroup(scope, { property: 'form', type: 'iso:Form', id: 'iso-form', label: m.forms }),
    codedTextGroup(scope, {
      property: 'result', type: 'iso:Result', id: 'iso-result', label: m.results
    }),
    fieldsGroup(scope)
  ];
}

function allotmentGroup({ m, v, step, edit }) {
  const allotment = read(step, 'allotment');
  // an allotment whose value and unit are both emptied is removed (Change.setChild)
  const on = (name, convert = (x) => x) => (value) =>
    edit((change, s) =>
      change.setChild(s, 'allotment', 'iso:Allotment', { [name]: convert(value) }));
  return {
    id: 'iso-allotment',
    label: m.allotment,
    component: Group,
    entries: [
      text('iso-allotment-value', {
        label: m.value,
        validate: v.number,
        get: () => read(allotment, 'value'),
        set: on('value', number)
      }),
      select('iso-allotment-unit', {
        label: m.timeUnit,
        options: optionsOf({ '': m.notSet, ...m.units }),
        get: () => read(allotment, 'unit'),
        set: on('unit')
      })
    ]
  };
}

/** iso:form and iso:result: a list of (code, text) pairs. */
function codedTextGroup({ m, step, edit }, { property, type, id, label }) {
  const values = step ? step.get(property) : [];
  const items = values.map((value, index) => {
    const itemId = `${id}-${index}`;
    const on = (name) => (next) => edit((change) => change.update(value, { [name]: next }));
    return {
      id: itemId,
      label: [value.get('code'), value.get('text')].filter(Boolean).join(' — ') || m.untitled,
      autoFocusEntry: `${itemId}-code`,
      entries: [
        text(`${itemId}-code`, {
          label: m.itemCode,
          get: () => value.get('code'),
          set: on('code')
        }),
        text(`${itemId}-text`, {
          label: m.itemTitle,
          area: true,
          get: () => value.get('text'),
          set: on('text')
        })
      ],
      remove: action(() => edit((change, s) =>
        change.update(s, { [property]: values.filter((x) => x !== value) })))
    };
  });
  const add = action(() => edit((change, s) => {
    change.update(s, { [property]: [...s.get(property), change.create(type, {}, s)] });
  }));
  return list(id, label, items, add);
}

function fieldsGroup({ m, v, step, edit }) {
  const fields = step ? step.get('field') : [];
  const items = fields.map((field, index) => {
    const id = `iso-field-${index}`;
    const on = (name, convert = (x) => x) => (next) =>
      edit((change) => change.update(field, { [name]: convert(next) }));
    const entries = [
      text(`${id}-name`, {
        label: m.fieldName,
        validate: v.name,
        get: () => field.get('name'),
        set: on('name')
      }),
      select(`${id}-type`, {
        label: m.fieldType,
        options: optionsOf(Object.fromEntries(FIELD_TYPES.map((t) => [t, m.types[t]]))),
        get: () => field.get('type'),
        set: on('type')
      }),
      text(`${id}-label`, { label: m.label, get: () => field.get('label'), set: on('label') }),
      text(`${id}-label-en`, {
        label: m.labelEn,
        get: () => field.get('labelEn'),
        set: on('labelEn')
      }),
      flag(`${id}-required`, {
        label: m.required,
        get: () => field.get('required') === 'true',
        set: on('required', (checked) => (checked ? 'true' : undefined))
      })
    ];
    if (field.get('type') === 'choice' || field.get('choice').length) {
      entries.push(text(`${id}-choices`, {
        label: m.choices,
        description: m.choicesHint,
        area: true,
        get: () => choicesText(field),
        set: (next) => edit((change) =>
          change.update(field, { choice: parseChoices(next, field, change) }))
      }));
    }
    return {
      id,
      label: field.get('label') || field.get('name') || m.untitled,
      autoFocusEntry: `${id}-name`,
      entries,
      remove: action(() => edit((change, s) =>
        change.update(s, { field: fields.filter((f) => f !== field) })))
    };
  });
  const add = action(() => edit((change, s) => {
    const created = change.create('iso:Field', { name: freeName(s.get('field')), type: 'text' }, s);
    change.update(s, { field: [...s.get('field'), created] });
  }));
  return list('iso-fields', m.fields, items, add);
}

/** `truong_N` for the next N not taken by `fields`. */
function freeName(fields) {
  const taken = new Set(fields.map((f) => f.get('name')));
  let n = fields.length + 1;
  while (taken.has(`truong_${n}`)) {
    n += 1;
  }
  return `truong_${n}`;
}

/** A choice field's choices as lines `value | label | labelEn`. */
function choicesText(field) {
  return field.get('choice').map((choice) => {
    const parts = ['value', 'label', 'labelEn'].map((name) => choice.get(name) || '');
    while (parts.length > 1 && !parts[parts.length - 1]) {
      parts.pop();
    }
    return parts.join(' | ');
  }).join('\n');
}

/** Lines `value | label | labelEn` as new iso:choice elements of `field`. */
function parseChoices(lines, field, change) {
  return (lines || '').split('\n')
    .map((line) => line.split('|').map((part) => part.trim()))
    .filter((parts) => parts.some(Boolean))
    .map(([value, label, labelEn]) => change.create('iso:Choice', {
      value: value || undefined,
      label: label || undefined,
      labelEn: labelEn || undefined
    }, field));
}
