// Pure operations of the form builder on a JSON Schema + rjsf ui schema pair (no DOM, no React).
// A field is addressed by its path of property names from the root: ['cdc', 'hygiene_ok'].

export const KINDS = ['text', 'textarea', 'number', 'integer', 'boolean', 'date', 'select', 'multiselect', 'group'];
export const FORMATS = ['', 'cn-id-card', 'cn-uscc', 'cn-mobile', 'cn-region-code', 'email'];
export const KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The object schema that holds the fields of `path` (the root for []). */
export function container(schema, path) {
  let node = schema;
  for (const key of path) node = node.properties[key];
  return node;
}

export function uiContainer(ui, path, create = false) {
  let node = ui;
  for (const key of path) {
    if (!node[key] || typeof node[key] !== 'object') {
      if (!create) return {};
      node[key] = {};
    }
    node = node[key];
  }
  return node;
}

export function fieldAt(schema, path) {
  return container(schema, path.slice(0, -1)).properties[path[path.length - 1]];
}

/** Keys of an object schema in screen order (its ui:order, '*' expanded). */
export function orderedKeys(node, uiNode) {
  const keys = Object.keys((node && node.properties) || {});
  const order = uiNode && Array.isArray(uiNode['ui:order']) ? uiNode['ui:order'] : null;
  if (!order) return keys;
  const listed = order.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !listed.includes(k));
  const star = order.indexOf('*');
  if (star < 0) return [...listed, ...rest];
  const before = order.slice(0, star).filter((k) => keys.includes(k));
  const after = order.slice(star + 1).filter((k) => keys.includes(k));
  return [...before, ...rest, ...after];
}

function setOrder(node, uiNode, keys) {
  const props = node.properties || {};
  node.properties = Object.fromEntries(keys.map((k) => [k, props[k]]));
  if (keys.length) uiNode['ui:order'] = [...keys, '*'];
  else delete uiNode['ui:order'];
}

export function kindOf(node, uiNode = {}) {
  if (!node || typeof node !== 'object') return 'other';
  if (node.$ref) return 'ref';
  if (node.type === 'object' || node.properties) return 'group';
  if (node.type === 'array') return node.items && (node.items.oneOf || node.items.enum) ? 'multiselect' : 'other';
  if (node.type === 'string') {
    if (node.oneOf || node.enum) return 'select';
    if (node.format === 'date') return 'date';
    if (uiNode['ui:widget'] === 'textarea') return 'textarea';
    return 'text';
  }
  if (['number', 'integer', 'boolean'].includes(node.type)) return node.type;
  return 'other';
}

export function optionsOf(node) {
  const holder = node.type === 'array' ? node.items || {} : node;
  if (Array.isArray(holder.oneOf)) return holder.oneOf.map((o) => ({ value: String(o.const ?? ''), label: o.title || String(o.const ?? '') }));
  if (Array.isArray(holder.enum)) return holder.enum.map((v) => ({ value: String(v), label: String(v) }));
  return [];
}

function oneOf(options) {
  return options.map((o) => ({ const: o.value, title: o.label || o.value }));
}

function template(kind, base = {}) {
  const keep = {};
  for (const k of ['title', 'description']) if (base[k] !== undefined) keep[k] = base[k];
  const options = optionsOf(base).length ? optionsOf(base) : [{ value: 'a', label: '选项一' }, { value: 'b', label: '选项二' }];
  switch (kind) {
    case 'text': case 'textarea': return { type: 'string', ...keep };
    case 'number': return { type: 'number', ...keep };
    case 'integer': return { type: 'integer', ...keep };
    case 'boolean': return { type: 'boolean', ...keep };
    case 'date': return { type: 'string', format: 'date', ...keep };
    case 'select': return { type: 'string', ...keep, oneOf: oneOf(options) };
    case 'multiselect': return { type: 'array', ...keep, uniqueItems: true, items: { type: 'string', oneOf: oneOf(options) } };
    case 'group': return { type: 'object', ...keep, properties: {}, required: [] };
    default: return { ...keep };
  }
}

function uniqueKey(node, stem) {
  const props = node.properties || {};
  if (!(stem in props)) return stem;
  let i = 2;
  while (`${stem}_${i}` in props) i++;
  return `${stem}_${i}`;
}

function isRequired(node, key) {
  return Array.isArray(node.required) && node.required.includes(key);
}

/** All edits return a new {schema, ui}; the inputs are not changed. */
export function addField(form, parentPath, kind, { key, title } = {}) {
  const schema = clone(form.schema), ui = clone(form.ui);
  const node = container(schema, parentPath);
  const uiNode = uiContainer(ui, parentPath, true);
  node.properties = node.properties || {};
  const order = orderedKeys(node, uiNode);
  const name = uniqueKey(node, key || (kind === 'group' ? 'group' : 'field'));
  node.properties[name] = template(kind, { title: title || '' });
  if (!title) delete node.properties[name].title;
  if (kind === 'textarea') uiNode[name] = { 'ui:widget': 'textarea' };
  if (kind === 'multiselect') uiNode[name] = { 'ui:widget': 'checkboxes' };
  setOrder(node, uiNode, [...order, name]);
  return { schema, ui, key: name };
}

export function insertFragment(form, parentPath, fragment) {
  const schema = clone(form.schema), ui = clone(form.ui);
  const node = container(schema, parentPath);
  const uiNode = uiContainer(ui, parentPath, true);
  node.properties = node.properties || {};
  const order = orderedKeys(node, uiNode);
  const name = uniqueKey(node, fragment.properties.length === 1 ? fragment.properties[0] : 'fragment');
  node.properties[name] = { $ref: fragment.ref };
  const fragmentUi = fragment.properties.length === 1 ? (fragment.ui_schema || {})[fragment.properties[0]] : fragment.ui_schema;
  if (fragmentUi && Object.keys(fragmentUi).length) uiNode[name] = clone(fragmentUi);
  setOrder(node, uiNode, [...order, name]);
  return { schema, ui, key: name };
}

export function removeField(form, path) {
  const schema = clone(form.schema), ui = clone(form.ui);
  const parent = path.slice(0, -1), key = path[path.length - 1];
  const node = container(schema, parent);
  const uiNode = uiContainer(ui, parent, true);
  const order = orderedKeys(node, uiNode).filter((k) => k !== key);
  delete node.properties[key];
  if (Array.isArray(node.required)) node.required = node.required.filter((k) => k !== key);
  delete uiNode[key];
  setOrder(node, uiNode, order);
  return { schema, ui };
}

export function moveField(form, path, delta) {
  const schema = clone(form.schema), ui = clone(form.ui);
  const parent = path.slice(0, -1), key = path[path.length - 1];
  const node = container(schema, parent);
  const uiNode = uiContainer(ui, parent, true);
  const order = orderedKeys(node, uiNode);
  const i = order.indexOf(key), j = i + delta;
  if (i < 0 || j < 0 || j >= order.length) return form;
  [order[i], order[j]] = [order[j], order[i]];
  setOrder(node, uiNode, order);
  return { schema, ui };
}

export function renameField(form, path, next) {
  const parent = path.slice(0, -1), key = path[path.length - 1];
  if (next === key) return form;
  const schema = clone(form.schema), ui = clone(form.ui);
  const node = container(schema, parent);
  const uiNode = uiContainer(ui, parent, true);
  if (!KEY.test(next) || next in node.properties) return null;
  const order = orderedKeys(node, uiNode).map((k) => (k === key ? next : k));
  node.properties[next] = node.properties[key];
  delete node.properties[key];
  if (Array.isArray(node.required)) node.required = node.required.map((k) => (k === key ? next : k));
  if (uiNode[key]) { uiNode[next] = uiNode[key]; delete uiNode[key]; }
  setOrder(node, uiNode, order);
  return { schema, ui };
}

/** Field properties as the detail pane shows them. */
export function describe(form, path) {
  const parent = container(form.schema, path.slice(0, -1));
  const key = path[path.length - 1];
  const node = parent.properties[key];
  const uiNode = uiContainer(form.ui, path);
  const kind = kindOf(node, uiNode);
  const text = ['text', 'textarea'].includes(kind);
  return {
    key, kind, node, uiNode,
    title: node.title || '',
    description: node.description || '',
    required: isRequired(parent, key),
    format: node.format && kind === 'text' ? node.format : '',
    min: text ? node.minLength ?? '' : node.minimum ?? '',
    max: text ? node.maxLength ?? '' : node.maximum ?? '',
    options: optionsOf(node),
    placeholder: uiNode['ui:placeholder'] || '',
    help: uiNode['ui:help'] || '',
    ref: node.$ref || '',
  };
}

/** Apply a change from the detail pane: {title|description|required|kind|format|min|max|options|placeholder|help}. */
export function updateField(form, path, change) {
  const schema = clone(form.schema), ui = clone(form.ui);
  const parentPath = path.slice(0, -1), key = path[path.length - 1];
  const parent = container(schema, parentPath);
  const uiParent = uiContainer(ui, parentPath, true);
  let node = parent.properties[key];
  const uiNode = uiParent[key] && typeof uiParent[key] === 'object' ? uiParent[key] : (uiParent[key] = {});
  const kind = kindOf(node, uiNode);
  const text = ['text', 'textarea'].includes(kind);
  const setOrDelete = (obj, k, v) => { if (v === '' || v === undefined || v === null) delete obj[k]; else obj[k] = v; };
  if ('kind' in change && change.kind !== kind) {
    const options = optionsOf(node);
    node = parent.properties[key] = template(change.kind, { ...node, oneOf: options.length ? oneOf(options) : undefined });
    delete uiNode['ui:widget'];
    if (change.kind === 'textarea') uiNode['ui:widget'] = 'textarea';
    if (change.kind === 'multiselect') uiNode['ui:widget'] = 'checkboxes';
  }
  if ('title' in change) setOrDelete(node, 'title', change.title);
  if ('description' in change) setOrDelete(node, 'description', change.description);
  if ('format' in change) setOrDelete(node, 'format', change.format);
  const number = (v) => (v === '' || v === null || v === undefined || Number.isNaN(Number(v)) ? '' : Number(v));
  if ('min' in change) setOrDelete(node, text ? 'minLength' : 'minimum', number(change.min));
  if ('max' in change) setOrDelete(node, text ? 'maxLength' : 'maximum', number(change.max));
  if ('options' in change) {
    const holder = node.type === 'array' ? (node.items = node.items || { type: 'string' }) : node;
    delete holder.enum;
    holder.oneOf = oneOf(change.options);
  }
  if ('placeholder' in change) setOrDelete(uiNode, 'ui:placeholder', change.placeholder);
  if ('help' in change) setOrDelete(uiNode, 'ui:help', change.help);
  if (!Object.keys(uiNode).length) delete uiParent[key];
  if ('required' in change) {
    const list = Array.isArray(parent.required) ? parent.required.filter((k) => k !== key) : [];
    if (change.required) list.push(key);
    parent.required = list;
  }
  return { schema, ui };
}

/** Every field as {path, depth, kind, node} in screen order, groups before their children. */
export function flatten(form) {
  const out = [];
  const walk = (path, depth) => {
    const node = container(form.schema, path);
    const uiNode = uiContainer(form.ui, path);
    for (const key of orderedKeys(node, uiNode)) {
      const child = node.properties[key];
      const childUi = uiNode[key] || {};
      const kind = kindOf(child, childUi);
      out.push({ path: [...path, key], depth, kind, node: child, required: isRequired(node, key) });
      if (kind === 'group' && child.properties) walk([...path, key], depth + 1);
    }
  };
  walk([], 0);
  return out;
}
