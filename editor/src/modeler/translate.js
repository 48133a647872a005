// bpmn-js's `translate` service with a dictionary: the palette, the context pad and the
// standard groups of the properties panel speak the page's language. Strings missing from the
// dictionary keep bpmn-js's English.

/** A bpmn-js module that replaces the `translate` service. */
export function translateModule(dictionary) {
  function translate(template, replacements = {}) {
    const known = Object.prototype.hasOwnProperty.call(dictionary, template);
    const text = known ? dictionary[template] : template;
    return text.replace(/{([^}]+)}/g, (match, key) => (key in replacements ? replacements[key] : match));
  }
  return { translate: ['value', translate] };
}
