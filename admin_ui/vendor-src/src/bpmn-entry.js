// window.BpmnBundle: bpmn-js Modeler + NavigatedViewer + properties panel + the SpiffWorkflow moddle extension.
//
//   const modeler = BpmnBundle.createModeler({ container: '#canvas', propertiesParent: '#props',
//                                              propertiesProviders: [ (element, groups, injector) => groups ] });
//   const { warnings } = await modeler.importXML(xml);    // warnings: elements moddle could not read (they are dropped)
//   BpmnBundle.fitViewport(modeler, { left: 110 });        // fit, keeping the palette clear
//   const { xml } = await modeler.saveXML({ format: true });
//   const viewer = BpmnBundle.createViewer({ container: '#diagram' });   // read-only, pan + zoom
//
// Custom properties-panel groups are written in plain page JS with the re-exported entry components, jsx and
// useService (no JSX syntax, no rebuild): see propertiesProviderModule() below.
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, useService } from 'bpmn-js-properties-panel';
import * as PropertiesPanel from '@bpmn-io/properties-panel';
import { jsx, jsxs, Fragment } from '@bpmn-io/properties-panel/preact/jsx-runtime';
import * as hooks from '@bpmn-io/properties-panel/preact/hooks';
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import { isAny } from 'bpmn-js/lib/util/ModelUtil';
import spiffModdle from './spiffworkflow-moddle.json';
import * as spiff from './spiff-helpers.js';

export {
  TextFieldEntry, TextAreaEntry, SelectEntry, CheckboxEntry, NumberFieldEntry, ToggleSwitchEntry,
  CollapsibleEntry, ListGroup, Group,
  isTextFieldEntryEdited, isTextAreaEntryEdited, isSelectEntryEdited, isCheckboxEntryEdited,
  isNumberFieldEntryEdited, isToggleSwitchEntryEdited,
} from '@bpmn-io/properties-panel';

let providerSeq = 0;

// Wraps a plain function into a didi module that adds groups to the properties panel:
//   getGroups(element, groups, injector) -> groups   (push {id, label, entries: [{id, element, component, isEdited}]})
// `priority` orders providers (the default BPMN provider has 1000 and runs first; lower runs later).
export function propertiesProviderModule(getGroups, { priority = 500 } = {}) {
  const name = 'yijianPropertiesProvider' + (++providerSeq);
  function Provider(propertiesPanel, injector) {
    this.getGroups = (element) => (groups) => getGroups(element, groups, injector) || groups;
    propertiesPanel.registerProvider(priority, this);
  }
  Provider.$inject = [ 'propertiesPanel', 'injector' ];
  return { __init__: [ name ], [name]: [ 'type', Provider ] };
}

export function createModeler({
  container, propertiesParent, propertiesProviders = [], additionalModules = [], moddleExtensions = {}, ...rest
} = {}) {
  const modules = [ ...additionalModules ];
  if (propertiesParent) {
    const providers = propertiesProviders.map((p) => typeof p === 'function'
      ? propertiesProviderModule(p) : propertiesProviderModule(p.getGroups, p));
    modules.unshift(BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ...providers);
  }
  return new Modeler({
    container,
    ...(propertiesParent ? { propertiesPanel: { parent: propertiesParent } } : {}),
    additionalModules: modules,
    moddleExtensions: { spiffworkflow: spiffModdle, ...moddleExtensions },
    ...rest,
  });
}

export function createViewer({ container, moddleExtensions = {}, ...rest } = {}) {
  return new NavigatedViewer({ container, moddleExtensions: { spiffworkflow: spiffModdle, ...moddleExtensions }, ...rest });
}

// canvas.zoom('fit-viewport') ignores the palette, which then covers the left-most elements (lane labels first).
// fitViewport(modeler, { left: 110 }) fits the diagram into the part of the canvas right of `left` px, without
// zooming in beyond 100 %. Viewers: fitViewport(viewer).
export function fitViewport(diagram, { left = 0, padding = 20 } = {}) {
  const canvas = diagram.get('canvas');
  canvas.zoom('fit-viewport');
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) return;
  const scale = Math.min((outer.width - left - 2 * padding) / inner.width, (outer.height - 2 * padding) / inner.height, 1);
  canvas.viewbox({
    x: inner.x - (left + padding) / scale, y: inner.y - padding / scale,
    width: outer.width / scale, height: outer.height / scale,
  });
}

export const version = { bpmnJs: __BPMN_JS_VERSION__, propertiesPanel: __PROPERTIES_PANEL_VERSION__ };

export {
  Modeler, NavigatedViewer, BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, PropertiesPanel, useService,
  jsx, jsxs, Fragment, hooks, is, isAny, getBusinessObject, spiffModdle, spiff,
};
