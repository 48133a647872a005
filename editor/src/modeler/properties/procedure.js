// The process's ISO groups (iso:procedure): document control, statutory data, the dossier
// components and the legal basis. Shown for the process, its pool, and a collaboration with
// one process (the diagram's background), so the procedure's data is one click away.
import { Group } from '@bpmn-io/properties-panel';
import { Change, extensionOf, processOf, read } from './change';
import { action, flag, list, number, optionsOf, select, text } from './entries';

const COPIES = ['original', 'certified', 'photocopy', 'electronic'];

/** The groups for `ctx.element`, or [] when it stands for no single process. */
export function procedureGroups(ctx) {
  const process = processOf(ctx.element);
  if (!process) {
    return [];
  }
  const { element, injector } = ctx;
  const procedure = extensionOf(process, 'iso:Procedure');
  // `fn(change, procedure)`: the procedure is created (kind tthc) by the first edit
  const edit = (fn) => {
    const change = new Change(element, injector);
    fn(change, change.extension(process, 'iso:Procedure', { kind: 'tthc' }));
    change.run();
  };
  const scope = { ...ctx, procedure, edit };
  return [documentGroup(scope), statutoryGroup(scope), dossierGroup(scope), legalBasisGroup(scope)];
}

function documentGroup({ m, procedure, edit }) {
  const control = read(procedure, 'document');
  const onProcedure = (name) => (value) =>
    edit((change, p) => change.update(p, { [name]: value }));
  const onDocument = (name) => (value) => edit((change, p) =>
    change.update(change.child(p, 'document', 'iso:Document'), { [name]: value }));
  return {
    id: 'iso-document',
    label: m.document,
    component: Group,
    entries: [
      select('iso-procedure-kind', {
        label: m.kind,
        options: optionsOf({ '': m.notSet, ...m.kinds }),
        get: () => read(procedure, 'kind'),
        set: onProcedure('kind')
      }),
      text('iso-document-code', {
        label: m.code,
        get: () => read(control, 'code'),
        set: onDocument('code')
      }),
      text('iso-document-revision', {
        label: m.revision,
        description: m.revisionHint,
        disabled: true,
        get: () => read(control, 'revision'),
        set: () => {}
      }),
      text('iso-document-title', {
        label: m.title,
        area: true,
        get: () => read(control, 'title'),
        set: onDocument('title')
      }),
      text('iso-procedure-agency', {
        label: m.agency,
        get: () => read(procedure, 'agency'),
        set: onProcedure('agency')
      }),
      text('iso-procedure-field', {
        label: m.field,
        get: () => read(procedure, 'field'),
        set: onProcedure('field')
      })
    ]
  };
}

function statutoryGroup({ m, v, procedure, edit }) {
  const timeLimit = read(procedure, 'timeLimit');
  const fee = read(procedure, 'fee');
  const dossier = read(procedure, 'dossier');
  // an iso:timeLimit or iso:fee whose fields are all emptied is removed (Change.setChild)
  const onChild = (property, type, name, convert = (x) => x) => (value) =>
    edit((change, p) => change.setChild(p, property, type, { [name]: convert(value) }));
  return {
    id: 'iso-statutory',
    label: m.statutory,
    component: Group,
    entries: [
      text('iso-time-limit-value', {
        label: `${m.timeLimit}: ${m.value.toLowerCase()}`,
        validate: v.number,
        get: () => read(timeLimit, 'value'),
        set: onChild('timeLimit', 'iso:TimeLimit', 'value', number)
      }),
      select('iso-time-limit-unit', {
        label: `${m.timeLimit}: ${m.timeUnit.toLowerCase()}`,
        options: optionsOf({ '': m.notSet, ...m.units }),
        get: () => read(timeLimit, 'unit'),
        set: onChild('timeLimit', 'iso:TimeLimit', 'unit')
      }),
      text('iso-time-limit-note', {
        label: m.timeLimitNote,
        area: true,
        get: () => read(timeLimit, 'text'),
        set: onChild('timeLimit', 'iso:TimeLimit', 'text')
      }),
      text('iso-place', {
        label: m.place,
        area: true,
        get: () => read(procedure, 'place'),
        set: (value) => edit((change, p) => change.update(p, { place: value }))
      }),
      text('iso-fee-amount', {
        label: m.feeAmount,
        validate: v.number,
        get: () => read(fee, 'amount'),
        set: onChild('fee', 'iso:Fee', 'amount', number)
      }),
      text('iso-fee-text', {
        label: m.feeText,
        area: true,
        get: () => read(fee, 'text'),
        set: onChild('fee', 'iso:Fee', 'text')
      }),
      text('iso-dossier-sets', {
        label: m.sets,
        validate: v.whole,
        get: () => read(dossier, 'sets'),
        set: (value) => edit((change, p) =>
          change.update(change.child(p, 'dossier', 'iso:Dossier'), { sets: value && value.trim() }))
      })
    ]
  };
}

function dossierGroup({ m, v, procedure, edit }) {
  const dossier = read(procedure, 'dossier');
  const components = dossier ? dossier.get('component') : [];
  const items = components.map((component, index) => {
    const id = `iso-component-${index}`;
    const on = (name, convert = (x) => x) => (value) =>
      edit((change) => change.update(component, { [name]: convert(value) }));
    // `copy` is a space-separated list; checkboxes keep the schema's order and unknown words
    const copies = (component.get('copy') || '').split(/\s+/).filter(Boolean);
    const toggle = (copy) => (checked) => {
      const known = COPIES.filter((c) => (c === copy ? checked : copies.includes(c)));
      const unknown = copies.filter((c) => !COPIES.includes(c));
      on('copy')([...known, ...unknown].join(' ') || undefined);
    };
    return {
      id,
      label: component.get('text') || m.untitled,
      autoFocusEntry: `${id}-name`,
      entries: [
        text(`${id}-name`, {
          label: m.componentName,
          area: true,
          get: () => component.get('text'),
          set: on('text')
        }),
        ...COPIES.map((copy) => flag(`${id}-copy-${copy}`, {
          label: `${m.copy}: ${m.copies[copy]}`,
          get: () => copies.includes(copy),
          set: toggle(copy)
        })),
        text(`${id}-quantity`, {
          label: m.quantity,
          validate: v.whole,
          get: () => component.get('quantity'),
          set: on('quantity')
        }),
        flag(`${id}-required`, {
          label: m.componentRequired,
          get: () => component.get('required') !== 'false',
          set: on('required', (checked) => (checked ? undefined : 'false'))
        }),
        text(`${id}-note`, { label: m.note, get: () => component.get('note'), set: on('note') })
      ],
      remove: action(() => edit((change) =>
        change.update(dossier, { component: components.filter((c) => c !== component) })))
    };
  });
  const add = action(() => edit((change, p) => {
    const target = change.child(p, 'dossier', 'iso:Dossier');
    const created = change.create('iso:Component', { copy: 'original' }, target);
    change.update(target, { component: [...target.get('component'), created] });
  }));
  return list('iso-dossier', m.dossier, items, add);
}

function legalBasisGroup({ m, procedure, edit }) {
  const texts = procedure ? procedure.get('legalBasis') : [];
  const items = texts.map((value, index) => ({
    id: `iso-legal-basis-${index}`,
    label: value || m.untitled,
    autoFocusEntry: `iso-legal-basis-${index}-text`,
    entries: [
      text(`iso-legal-basis-${index}-text`, {
        label: m.legalText,
        area: true,
        get: () => value,
        set: (next) => edit((change, p) =>
          change.update(p, { legalBasis: texts.map((t, i) => (i === index ? next || '' : t)) }))
      })
    ],
    remove: action(() => edit((change, p) =>
      change.update(p, { legalBasis: texts.filter((t, i) => i !== index) })))
  }));
  const add = action(() => edit((change, p) =>
    change.update(p, { legalBasis: [...p.get('legalBasis'), ''] })));
  return list('iso-legal-basis', m.legalBasis, items, add);
}
