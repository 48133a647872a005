// Edits of iso:* extension elements as one bpmn-js command, so each edit is one undo step.
//
// A Change collects `element.updateModdleProperties` commands: the ones that create what is
// missing on the way (bpmn:extensionElements, iso:step, iso:allotment …) and the update itself,
// then runs them together through the properties panel's multi-command executor.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

/** `object.get(name)`, or undefined when there is no object. */
export function read(object, name) {
  return object ? object.get(name) : undefined;
}

/** The first extension element of `type` on a business object, or undefined. */
export function extensionOf(businessObject, type) {
  const extensionElements = businessObject && businessObject.get('extensionElements');
  if (!extensionElements) {
    return undefined;
  }
  return extensionElements.get('values').find((value) => is(value, type));
}

/** The bpmn:Process a diagram element stands for: the process itself, a pool's process, or
 * the only process of a collaboration. */
export function processOf(element) {
  const businessObject = getBusinessObject(element);
  if (is(businessObject, 'bpmn:Process')) {
    return businessObject;
  }
  if (is(businessObject, 'bpmn:Participant')) {
    return businessObject.get('processRef');
  }
  if (is(businessObject, 'bpmn:Collaboration')) {
    const processes = businessObject.get('participants')
      .map((participant) => participant.get('processRef')).filter(Boolean);
    return processes.length === 1 ? processes[0] : undefined;
  }
  return undefined;
}

function isEmpty(value) {
  return value === undefined || value === null || value === ''
    || (Array.isArray(value) && value.length === 0);
}

export class Change {
  constructor(element, injector) {
    this.element = element;
    this.bpmnFactory = injector.get('bpmnFactory');
    this.commandStack = injector.get('commandStack');
    this.commands = [];
  }

  create(type, properties, parent) {
    const created = this.bpmnFactory.create(type, properties);
    created.$parent = parent;
    return created;
  }

  update(moddleElement, properties) {
    this.commands.push({
      cmd: 'element.updateModdleProperties',
      context: { element: this.element, moddleElement, properties }
    });
    return moddleElement;
  }

  /** The extension element of `type` on `businessObject`, created (with `defaults`) if missing. */
  extension(businessObject, type, defaults = {}) {
    let extensionElements = businessObject.get('extensionElements');
    if (!extensionElements) {
      extensionElements = this.create('bpmn:ExtensionElements', { values: [] }, businessObject);
      this.update(businessObject, { extensionElements });
    }
    let found = extensionElements.get('values').find((value) => is(value, type));
    if (!found) {
      found = this.create(type, defaults, extensionElements);
      this.update(extensionElements, { values: [...extensionElements.get('values'), found] });
    }
    return found;
  }

  /** `parent[property]`, a single child of `type`, created if missing. */
  child(parent, property, type) {
    let found = parent.get(property);
    if (!found) {
      found = this.create(type, {}, parent);
      this.update(parent, { [property]: found });
    }
    return found;
  }

  /** Set `properties` on `parent[property]`, creating it if needed; when every property of
   * the child is empty afterwards (attributes and text alike), the child is removed instead. */
  setChild(parent, property, type, properties) {
    const current = parent.get(property);
    if (current) {
      const after = { ...propertiesOf(current), ...properties };
      if (Object.values(after).every(isEmpty)) {
        return this.update(parent, { [property]: undefined });
      }
      return this.update(current, properties);
    }
    if (Object.values(properties).every(isEmpty)) {
      return undefined;
    }
    return this.update(this.child(parent, property, type), properties);
  }

  /** Set `properties` on the extension element of `type`, creating it if needed; when every
   * property is empty afterwards, the extension element is removed instead. */
  setExtension(businessObject, type, properties) {
    const current = extensionOf(businessObject, type);
    if (current) {
      const after = { ...propertiesOf(current), ...properties };
      if (Object.values(after).every(isEmpty)) {
        const extensionElements = businessObject.get('extensionElements');
        const values = extensionElements.get('values').filter((value) => value !== current);
        return this.update(extensionElements, { values });
      }
      return this.update(current, properties);
    }
    if (Object.values(properties).every(isEmpty)) {
      return undefined;
    }
    return this.update(this.extension(businessObject, type), properties);
  }

  run() {
    if (this.commands.length) {
      this.commandStack.execute('properties-panel.multi-command-executor', this.commands);
    }
  }
}

function propertiesOf(moddleElement) {
  const values = {};
  for (const descriptor of moddleElement.$descriptor.properties) {
    values[descriptor.name] = moddleElement.get(descriptor.name);
  }
  return values;
}
