// The ISO groups of the properties panel, after bpmn-js's own "General" and "Documentation":
// document control and statutory data on the process, the role on lanes, allotment, forms,
// results and input fields on steps. Every edit is a bpmn-js command (undo/redo work).
//
// Needs the `isoConfig` value: { messages, roles } (the panel's words and the role codes).
import { procedureGroups } from './procedure';
import { roleGroups } from './role';
import { stepGroups } from './step';
import { validators } from './entries';

const LOW_PRIORITY = 500;

class IsoPropertiesProvider {
  constructor(propertiesPanel, injector, isoConfig) {
    this._injector = injector;
    this._config = isoConfig;
    this._validators = validators(isoConfig.messages);
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => {
      const ctx = {
        element,
        injector: this._injector,
        m: this._config.messages,
        v: this._validators,
        roles: this._config.roles || []
      };
      const translate = this._injector.get('translate');
      const iso = [...procedureGroups(ctx), ...roleGroups(ctx), ...stepGroups(ctx)]
        .map((group) => ({ ...group, translate }));
      const index = (id) => groups.findIndex((group) => group.id === id);
      const after = Math.max(index('general'), index('documentation'));
      groups.splice(after + 1, 0, ...iso);
      return groups;
    };
  }
}

IsoPropertiesProvider.$inject = ['propertiesPanel', 'injector', 'isoConfig'];

export default {
  __init__: ['isoPropertiesProvider'],
  isoPropertiesProvider: ['type', IsoPropertiesProvider]
};
