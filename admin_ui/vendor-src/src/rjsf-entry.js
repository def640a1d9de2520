// window.RJSF: React 19 + ReactDOM + @rjsf/core + @rjsf/validator-ajv8 behind a framework-free API for plain pages.
//
//   const form = RJSF.render('#form', { schema, uiSchema, formData,
//     onSubmit(data, event), onChange(data, event, id), onError(errors),
//     extraErrors, customFormats, liveValidate, disabled, lang: 'zh' | 'en', ...any other rjsf <Form> prop });
//   form.update({ formData }); form.getFormData(); form.submit(); form.validate(); form.unmount();
//
//   RJSF.validateFormData(schema, data, { lang, customFormats, uiSchema }) -> { valid, errors, errorSchema }
//
// Schemas are JSON Schema 2020-12 unless their $schema names draft-07/06/04 (then the draft-07 validator is used).
// The formats cn-id-card, cn-uscc, cn-mobile and cn-region-code are always registered. Messages are Chinese by
// default (ajv-i18n zh + our own wording for formats and required fields); lang: 'en' keeps ajv's English.
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import Form, { withTheme, getDefaultRegistry } from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { englishStringTranslator, replaceStringParameters } from '@rjsf/utils';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import localizeZh from 'ajv-i18n/localize/zh';
import { CN_FORMATS, isCnIdCard, isCnUscc, isCnMobile, isCnRegionCode } from './cn-formats.js';

const h = React.createElement;

const FORMAT_MESSAGES = {
  zh: {
    'cn-id-card': '不是有效的公民身份号码',
    'cn-uscc': '不是有效的统一社会信用代码',
    'cn-mobile': '不是有效的手机号码',
    'cn-region-code': '不是有效的行政区划代码',
    email: '不是有效的电子邮箱地址',
    date: '不是有效的日期（格式 YYYY-MM-DD）',
    time: '不是有效的时间',
    'date-time': '不是有效的日期时间',
    uri: '不是有效的网址',
    url: '不是有效的网址',
    ipv4: '不是有效的 IPv4 地址',
    uuid: '不是有效的 UUID',
  },
  en: {
    'cn-id-card': 'must be a valid resident identity number (GB 11643)',
    'cn-uscc': 'must be a valid unified social credit code (GB 32100)',
    'cn-mobile': 'must be a valid mainland mobile number',
    'cn-region-code': 'must be a valid 6-digit administrative division code',
  },
};

// Ajv ErrorObject[] -> messages in `lang`, in place (the validator's localizer hook).
function makeLocalizer(lang) {
  const formats = FORMAT_MESSAGES[lang] || {};
  return (errors) => {
    if (!errors || !errors.length) return;
    if (lang === 'zh') localizeZh(errors);
    for (const e of errors) {
      if (e.keyword === 'format' && formats[e.params.format]) e.message = formats[e.params.format];
      // rjsf has already quoted missingProperty ('name') so that it can swap in the field title afterwards
      else if (lang === 'zh' && e.keyword === 'required') e.message = `缺少必填项 ${e.params.missingProperty}`;
    }
  };
}

// zh: "申请人：此项为必填项" in the error list and "此项为必填项" under the field, instead of rjsf's
// "'申请人' <message>" / "缺少必填项 '申请人'". Errors without a title keep rjsf's text.
function zhTransformErrors(errors) {
  return errors.map((e) => {
    if (!e.title) return e;
    const message = e.name === 'required' ? '此项为必填项' : e.message;
    return { ...e, message, stack: `${e.title}：${message}` };
  });
}
function transformErrorsFor(lang, userTransform) {
  if (lang !== 'zh') return userTransform;
  return userTransform ? (errors, uiSchema) => userTransform(zhTransformErrors(errors), uiSchema) : zhTransformErrors;
}

// rjsf's own UI strings (TranslatableString values are the English texts).
const UI_STRINGS_ZH = {
  'Item': '条目', 'Missing items definition': '缺少 items 定义',
  'No items yet. Use the button below to add some.': '暂无条目，请点击下方按钮添加。',
  'Yes': '是', 'No': '否', 'Close': '关闭', 'Errors': '错误', 'New Value': '新值', 'Add': '添加', 'Add Item': '添加条目',
  'Copy': '复制', 'Expand Cycle': '展开', 'Move down': '下移', 'Move up': '上移', 'Remove': '删除', 'Now': '现在',
  'Clear': '清除', 'Select a date': '选择日期', 'Preview': '预览', 'Decrease value by 1': '减 1',
  'Increase value by 1': '加 1', 'Add data for optional field': '填写此可选项',
  'Remove data for optional field': '移除此可选项', 'No data for optional field': '此可选项未填写', 'Type': '类型',
  'Value': '值', 'clear input': '清空输入', 'Unknown field type %1': '未知字段类型 %1', 'Option %1': '选项 %1',
  '%1 option %2': '%1 选项 %2', '%1 Key': '%1 键', '%1 (deprecated)': '%1（已弃用）',
  'Unsupported field schema.': '不支持的字段定义。', '**%1** (%2, %3 bytes)': '**%1**（%2，%3 字节）',
};

export function translateString(lang) {
  if (lang !== 'zh') return englishStringTranslator;
  return (str, params) => (UI_STRINGS_ZH[str] ? replaceStringParameters(UI_STRINGS_ZH[str], params) : englishStringTranslator(str, params));
}

function draftOf(schema) {
  const s = (schema && schema.$schema) || '';
  return /draft-0[4-7]/.test(s) ? 'draft-07' : '2020-12';
}

// One validator per (lang, draft); custom formats on top of ours get their own (cached by object identity).
const cache = new Map();
const customCache = new WeakMap();
export function createValidator({ lang = 'zh', draft = '2020-12', customFormats } = {}) {
  return customizeValidator({
    AjvClass: draft === '2020-12' ? Ajv2020 : Ajv,
    customFormats: { ...CN_FORMATS, ...(customFormats || {}) },
  }, makeLocalizer(lang));
}
function validatorFor(schema, lang, customFormats) {
  const draft = draftOf(schema);
  const key = lang + '|' + draft;
  if (customFormats) {
    let m = customCache.get(customFormats);
    if (!m) customCache.set(customFormats, (m = new Map()));
    if (!m.has(key)) m.set(key, createValidator({ lang, draft, customFormats }));
    return m.get(key);
  }
  if (!cache.has(key)) cache.set(key, createValidator({ lang, draft }));
  return cache.get(key);
}

export function validateFormData(schema, formData, { lang = 'zh', customFormats, uiSchema } = {}) {
  const v = validatorFor(schema, lang, customFormats);
  const { errors, errorSchema } = v.validateFormData(formData, schema, undefined, transformErrorsFor(lang), uiSchema);
  return { valid: errors.length === 0, errors, errorSchema };
}

export function render(element, options = {}) {
  if (typeof element === 'string') element = document.querySelector(element);
  if (!element) throw new Error('RJSF.render: target element not found');
  const root = createRoot(element);
  const formRef = React.createRef();
  let props = { ...options };
  let current = options.formData;

  function draw() {
    const { onSubmit, onChange, onError, validator, lang = 'zh', customFormats, uiSchema = {}, transformErrors, ...rest } = props;
    let ui = uiSchema;
    if (lang === 'zh' && !(ui['ui:submitButtonOptions'] && ui['ui:submitButtonOptions'].submitText)) {
      ui = { ...ui, 'ui:submitButtonOptions': { ...(ui['ui:submitButtonOptions'] || {}), submitText: '提交' } };
    }
    flushSync(() => {   // synchronous: the DOM is ready when render()/update() return
      root.render(h(Form, {
        noHtml5Validate: true,   // the browser's "fill out this field" bubble would block rjsf's submit/error events
        translateString: translateString(lang),
        ...rest,
        uiSchema: ui,
        transformErrors: transformErrorsFor(lang, transformErrors),
        ref: formRef,
        validator: validator || validatorFor(rest.schema, lang, customFormats),
        formData: current,
        onChange: (e, id) => { current = e.formData; if (onChange) onChange(e.formData, e, id); },
        onSubmit: (e, ev) => { current = e.formData; if (onSubmit) onSubmit(e.formData, e, ev); },
        onError: (errors) => { if (onError) onError(errors); },
      }));
    });
  }
  draw();
  return {
    update(newOptions = {}) {
      props = { ...props, ...newOptions };
      if ('formData' in newOptions) current = newOptions.formData;
      draw();
    },
    getFormData() { return current; },
    submit() { if (formRef.current) formRef.current.submit(); },
    validate() { return formRef.current ? formRef.current.validateForm() : false; },
    unmount() { root.unmount(); },
  };
}

export const formats = { isCnIdCard, isCnUscc, isCnMobile, isCnRegionCode, CN_FORMATS };
export const version = { react: React.version, rjsf: __RJSF_VERSION__ };
export { React, createRoot, Form, withTheme, getDefaultRegistry, customizeValidator };
