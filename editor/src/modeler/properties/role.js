// A lane's ISO group (iso:role): the role code, picked from the system's roles or typed,
// and the unit inside the agency.
import { Group } from '@bpmn-io/properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { Change, extensionOf, read } from './change';
import { suggest, text } from './entries';

/** The group for `ctx.element`, or [] when it is not a lane. */
export function roleGroups(ctx) {
  const businessObject = getBusinessObject(ctx.element);
  if (!is(businessObject, 'bpmn:Lane')) {
    return [];
  }
  const { element, injector, m, v, roles } = ctx;
  const role = extensionOf(businessObject, 'iso:Role');
  const on = (name) => (value) => {
    const change = new Change(element, injector);
    change.setExtension(businessObject, 'iso:Role', { [name]: value && value.trim() });
    change.run();
  };
  const code = read(role, 'code');
  const known = !code || roles.length === 0 || roles.includes(code);
  return [{
    id: 'iso-role',
    label: m.role,
    component: Group,
    entries: [
      suggest('iso-role-code', {
        label: m.roleCode,
        suggestions: roles,
        validate: v.code,
        description: known ? undefined : m.roleUnknown,
        get: () => code,
        set: on('code')
      }),
      text('iso-role-unit', {
        label: m.unit,
        validate: v.code,
        get: () => read(role, 'unit'),
        set: on('unit')
      })
    ]
  }];
}
