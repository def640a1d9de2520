// Read and write SpiffArena-style extension elements on a diagram element. Every write is ONE modeling command
// (modeling.updateModdleProperties), so it shows up in the command stack and undoes/redoes in one step.
//
//   `services` is anything with get(name): the modeler, or the injector inside a properties-panel component
//   (const injector = useService('injector')).
//   `element` is a diagram shape/connection (from the elementRegistry or the panel's `element` prop).
//
//   getProperty(element, 'formJsonSchemaFilename')            -> 'apply.json' | undefined
//   setProperty(services, element, 'formJsonSchemaFilename', 'apply.json')   (undefined / null / '' removes it)
//   getProperties(element)                                    -> { name: value, ... }
//   getText(element, 'instructionsForEndUser')                -> string | undefined   (any body-text type below)
//   setText(services, element, 'instructionsForEndUser', '请核对材料')         (undefined / null / '' removes it)
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

export const PREFIX = 'spiffworkflow';
export const URI = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
export const TEXT_ELEMENTS = [
  'instructionsForEndUser', 'preScript', 'postScript', 'messagePayload', 'messageVariable', 'calledDecisionId',
  'variableName', 'payloadExpression', 'category', 'allowGuest', 'guestConfirmation', 'signalButtonLabel',
];

// 'instructionsForEndUser' | 'spiffworkflow:instructionsForEndUser' | 'spiffworkflow:InstructionsForEndUser'
//   -> 'spiffworkflow:InstructionsForEndUser' (the moddle type name)
export function typeName(name) {
  const local = String(name).replace(/^spiffworkflow:/, '');
  return PREFIX + ':' + local.charAt(0).toUpperCase() + local.slice(1);
}

function bo(element) {
  return getBusinessObject(element) || element;
}

export function getExtensionElements(element, type) {
  const ext = bo(element).get('extensionElements');
  const values = (ext && ext.get('values')) || [];
  return type ? values.filter((v) => v.$instanceOf ? v.$instanceOf(typeName(type)) : v.$type === typeName(type)) : values;
}

export function getExtensionElement(element, type) {
  return getExtensionElements(element, type)[0];
}

export function getProperties(element) {
  const out = {};
  for (const container of getExtensionElements(element, 'properties')) {
    for (const p of container.get('properties') || []) out[p.get('name')] = p.get('value');
  }
  return out;
}

export function getProperty(element, name) {
  return getProperties(element)[name];
}

export function getText(element, type) {
  const el = getExtensionElement(element, type);
  return el ? el.get('value') : undefined;
}

const isEmpty = (v) => v === undefined || v === null || v === '';

// Adds `child` to the element's bpmn:extensionElements, creating that container when missing. One command.
function addExtension(services, element, child) {
  const modeling = services.get('modeling');
  const moddle = services.get('moddle');
  const owner = bo(element);
  let ext = owner.get('extensionElements');
  if (!ext) {
    ext = moddle.create('bpmn:ExtensionElements', { values: [ child ] });
    ext.$parent = owner;
    child.$parent = ext;
    modeling.updateModdleProperties(element, owner, { extensionElements: ext });
  } else {
    child.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [ ...(ext.get('values') || []), child ] });
  }
}

function removeExtension(services, element, child) {
  const ext = bo(element).get('extensionElements');
  services.get('modeling').updateModdleProperties(element, ext, { values: ext.get('values').filter((v) => v !== child) });
}

export function setProperty(services, element, name, value) {
  const moddle = services.get('moddle');
  const modeling = services.get('modeling');
  const containers = getExtensionElements(element, 'properties');
  for (const container of containers) {
    const list = container.get('properties') || [];
    const prop = list.find((p) => p.get('name') === name);
    if (!prop) continue;
    if (!isEmpty(value)) {
      modeling.updateModdleProperties(element, prop, { value: String(value) });
    } else if (list.length === 1) {
      removeExtension(services, element, container);                  // drop the now-empty container too
    } else {
      modeling.updateModdleProperties(element, container, { properties: list.filter((p) => p !== prop) });
    }
    return;
  }
  if (isEmpty(value)) return;
  const prop = moddle.create(typeName('property'), { name, value: String(value) });
  if (containers.length) {
    const container = containers[0];
    prop.$parent = container;
    modeling.updateModdleProperties(element, container, { properties: [ ...(container.get('properties') || []), prop ] });
  } else {
    const container = moddle.create(typeName('properties'), { properties: [ prop ] });
    prop.$parent = container;
    addExtension(services, element, container);
  }
}

export function setText(services, element, type, text) {
  const existing = getExtensionElement(element, type);
  if (existing) {
    if (isEmpty(text)) removeExtension(services, element, existing);
    else services.get('modeling').updateModdleProperties(element, existing, { value: String(text) });
    return;
  }
  if (isEmpty(text)) return;
  addExtension(services, element, services.get('moddle').create(typeName(type), { value: String(text) }));
}
