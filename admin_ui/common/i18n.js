// Yijian UI language: Chinese first (zh), English switch (en). No dependencies.
//
//   import { t, lang, setLang, addMessages, onLangChange, localize, pick, applyI18n } from '../common/i18n.js';
//   addMessages({ zh: { 'inbox.title': '待办' }, en: { 'inbox.title': 'Inbox' } });   // a page's own strings
//   t('inbox.title');  t('common.days_left', { n: 3 });                               // {name} placeholders
//
// The choice is kept in localStorage ('yijian.lang') and mirrored into <html lang>. Server messages come as
// "中文 / English": localize(detail) keeps the half of the current language. pick(obj, 'name') reads
// obj.name_en in English when the data carries one (bundle, lane and material names do).

const STORAGE_KEY = 'yijian.lang';
export const LANGS = ['zh', 'en'];
const HTML_LANG = { zh: 'zh-CN', en: 'en' };

// Shared strings: the header, login, buttons, states, SLA lights, time. Pages add their own with addMessages().
const DICT = {
  zh: {
    'app.name': '一件',
    'app.tagline': '高效办成一件事',
    'app.workbench': '经办工作台',
    'app.portal': '办事服务',
    'app.designer': '流程设计',
    'app.dashboard': '效能监察',
    'app.home': '首页',
    'lang.switch': '语言',
    'lang.zh': '中文',
    'lang.en': 'EN',
    'lang.zh_long': '中文',
    'lang.en_long': 'English',
    'nav.main': '主导航',
    'skip.to_content': '跳到主要内容',
    'login.title': '登录',
    'login.subtitle': '请使用您的账号登录',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.submitting': '正在登录…',
    'login.failed': '用户名或密码错误',
    'login.required': '请输入用户名和密码',
    'login.logout': '退出',
    'login.login': '登录',
    'login.expired': '登录已过期，请重新登录',
    'login.welcome': '您好，{name}',
    'login.choose_area': '请选择要进入的系统',
    'login.no_area': '当前角色没有可用的页面。',
    'role.admin': '管理员',
    'role.designer': '流程设计员',
    'role.clerk': '经办人',
    'role.auditor': '效能监察',
    'role.applicant': '申请人',
    'role.system': '外部系统',
    'area.workbench.desc': '部门待办、认领与办理、办件详情与流程图',
    'area.portal.desc': '办事指南、一表申请、容缺承诺、进度查询与评价',
    'area.designer.desc': '绘制流程、编辑表单与清单、发布版本',
    'area.dashboard.desc': '时限预警、好差评、四减成效',
    'common.loading': '正在加载…',
    'common.retry': '重试',
    'common.refresh': '刷新',
    'common.back': '返回',
    'common.close': '关闭',
    'common.cancel': '取消',
    'common.confirm': '确定',
    'common.save': '保存',
    'common.submit': '提交',
    'common.next': '下一步',
    'common.prev': '上一步',
    'common.colon': '：',
    'common.list_sep': '、',
    'common.sep': '；',
    'common.yes': '是',
    'common.no': '否',
    'common.none': '无',
    'common.all': '全部',
    'common.empty': '暂无数据',
    'common.unknown': '未知',
    'common.error': '出错了',
    'common.network_error': '无法连接服务器，请检查网络后重试',
    'common.forbidden': '无权访问',
    'common.not_found': '未找到',
    'common.working_days': '{n} 个工作日',
    'common.provisional': '暂定',
    'common.provisional_hint': '节假日安排尚未公布，期限按周末推算，公布后可能调整',
    'common.show_full_ids': '显示完整号码',
    'common.hide_full_ids': '隐藏完整号码',
    'common.ids_masked': '身份证号已部分隐藏',
    'common.system': '系统',
    'common.page': '第 {n} 页',
    'common.prev_page': '上一页',
    'common.next_page': '下一页',
    'sla.green': '正常',
    'sla.yellow': '预警',
    'sla.red': '超期',
    'sla.paused': '暂停计时',
    'sla.label': '时限状态',
    'time.in': '{t}后到期',
    'time.ago': '已超 {t}',
    'time.minutes': '{n} 分钟',
    'time.hours': '{n} 小时',
    'time.days': '{n} 天',
    'status.running': '办理中',
    'status.completed': '已办结',
    'status.cancelled': '已撤销',
    'status.failed': '异常',
    'task.state.ready': '待办理',
    'task.state.completed': '已完成',
    'task.state.cancelled': '已取消',
    'timeline.title': '办理记录',
    'timeline.empty': '暂无记录',
    'action.instance.started': '提交申请',
    'action.instance.completed': '办结',
    'action.instance.cancelled': '撤销办件',
    'action.instance.failed': '流程异常',
    'action.task.created': '进入环节',
    'action.task.completed': '完成环节',
    'action.task.claimed': '认领',
    'action.task.unclaimed': '释放认领',
    'action.task.cancelled': '取消环节',
    'action.material.supplied': '补交材料',
    'action.commitment.signed': '签署承诺书',
    'action.commitment.fulfilled': '容缺材料已补齐',
    'action.commitment.breached': '承诺逾期未补齐',
    'action.message.received': '收到外部消息',
    'action.sla.warning': '时限预警（黄灯）',
    'action.sla.overdue': '超过时限（红灯）',
    'action.rating.created': '评价',
    'action.instance.rated': '评价',
    'action.end.reached': '到达结束节点',
    'action.event.thrown': '发出事件',
    'action.event.received': '收到数据事件',
    'action.sla.paused': '暂停计时（等待申请人）',
    'action.sla.resumed': '恢复计时',
  },
  en: {
    'app.name': 'Yijian',
    'app.tagline': 'One thing, done at once',
    'app.workbench': 'Clerk workbench',
    'app.portal': 'Citizen services',
    'app.designer': 'Process designer',
    'app.dashboard': 'Supervision',
    'app.home': 'Home',
    'lang.switch': 'Language',
    'lang.zh': '中文',
    'lang.en': 'EN',
    'lang.zh_long': 'Chinese',
    'lang.en_long': 'English',
    'nav.main': 'Main navigation',
    'skip.to_content': 'Skip to main content',
    'login.title': 'Sign in',
    'login.subtitle': 'Sign in with your account',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.submitting': 'Signing in…',
    'login.failed': 'Wrong username or password',
    'login.required': 'Enter your username and password',
    'login.logout': 'Sign out',
    'login.login': 'Sign in',
    'login.expired': 'Your session has expired, please sign in again',
    'login.welcome': 'Hello, {name}',
    'login.choose_area': 'Where do you want to go?',
    'login.no_area': 'There is no page for your role.',
    'role.admin': 'Administrator',
    'role.designer': 'Process designer',
    'role.clerk': 'Clerk',
    'role.auditor': 'Supervisor',
    'role.applicant': 'Applicant',
    'role.system': 'External system',
    'area.workbench.desc': 'Department inbox, claim and handle tasks, case details with diagram',
    'area.portal.desc': 'Service guides, one application form, commitments, tracking and rating',
    'area.designer.desc': 'Draw processes, edit forms and manifests, deploy versions',
    'area.dashboard.desc': 'Time-limit warnings, ratings, four reductions',
    'common.loading': 'Loading…',
    'common.retry': 'Retry',
    'common.refresh': 'Refresh',
    'common.back': 'Back',
    'common.close': 'Close',
    'common.cancel': 'Cancel',
    'common.confirm': 'OK',
    'common.save': 'Save',
    'common.submit': 'Submit',
    'common.next': 'Next',
    'common.prev': 'Back',
    'common.colon': ': ',
    'common.list_sep': ', ',
    'common.sep': '; ',
    'common.yes': 'Yes',
    'common.no': 'No',
    'common.none': 'None',
    'common.all': 'All',
    'common.empty': 'Nothing here',
    'common.unknown': 'Unknown',
    'common.error': 'Something went wrong',
    'common.network_error': 'Cannot reach the server; check the network and retry',
    'common.forbidden': 'Not allowed',
    'common.not_found': 'Not found',
    'common.working_days': '{n} working days',
    'common.provisional': 'provisional',
    'common.provisional_hint': 'Next year\'s public holidays are not published yet; counted with weekends only and may change',
    'common.show_full_ids': 'Show full ID numbers',
    'common.hide_full_ids': 'Hide full ID numbers',
    'common.ids_masked': 'ID numbers are partly hidden',
    'common.system': 'System',
    'common.page': 'Page {n}',
    'common.prev_page': 'Previous',
    'common.next_page': 'Next',
    'sla.green': 'On time',
    'sla.yellow': 'Due soon',
    'sla.red': 'Overdue',
    'sla.paused': 'Clock paused',
    'sla.label': 'Time limit',
    'time.in': 'due in {t}',
    'time.ago': 'overdue by {t}',
    'time.minutes': '{n} min',
    'time.hours': '{n} h',
    'time.days': '{n} d',
    'status.running': 'In progress',
    'status.completed': 'Completed',
    'status.cancelled': 'Cancelled',
    'status.failed': 'Failed',
    'task.state.ready': 'Open',
    'task.state.completed': 'Done',
    'task.state.cancelled': 'Cancelled',
    'timeline.title': 'History',
    'timeline.empty': 'No entries yet',
    'action.instance.started': 'Application submitted',
    'action.instance.completed': 'Completed',
    'action.instance.cancelled': 'Cancelled',
    'action.instance.failed': 'Process error',
    'action.task.created': 'Step started',
    'action.task.completed': 'Step completed',
    'action.task.claimed': 'Claimed',
    'action.task.unclaimed': 'Released',
    'action.task.cancelled': 'Step cancelled',
    'action.material.supplied': 'Material supplied',
    'action.commitment.signed': 'Commitment signed',
    'action.commitment.fulfilled': 'Missing materials all supplied',
    'action.commitment.breached': 'Commitment deadline missed',
    'action.message.received': 'Message received',
    'action.sla.warning': 'Time-limit warning (yellow)',
    'action.sla.overdue': 'Time limit exceeded (red)',
    'action.rating.created': 'Rated',
    'action.instance.rated': 'Rated',
    'action.end.reached': 'End event reached',
    'action.event.thrown': 'Event sent',
    'action.event.received': 'Data event received',
    'action.sla.paused': 'Clock paused (waiting for the applicant)',
    'action.sla.resumed': 'Clock resumed',
  },
};

let current = readStored();
const listeners = new Set();

function readStored() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : 'zh';
  } catch {
    return 'zh';
  }
}

/** The current language: 'zh' (default) or 'en'. */
export function lang() {
  return current;
}

/** Switch language: remembered in localStorage, <html lang> updated, listeners called. */
export function setLang(next) {
  if (!LANGS.includes(next)) throw new Error(`unknown language ${next}`);
  current = next;
  try { localStorage.setItem(STORAGE_KEY, next); } catch { /* private mode: keep it for this page */ }
  syncDocument();
  for (const fn of [...listeners]) fn(next);
}

/** Call fn(lang) after every switch; returns the unsubscribe function. */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Merge a page's strings: { zh: {...}, en: {...} }. A key missing in `en` falls back to zh. */
export function addMessages(messages) {
  for (const l of LANGS) Object.assign(DICT[l], messages[l] || {});
}

/** The text of `key` in the current language, with {name} placeholders filled from vars. */
export function t(key, vars) {
  let s = DICT[current][key];
  if (s === undefined) s = DICT.zh[key];
  if (s === undefined) return key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

/** Whether a key exists (in zh). */
export function has(key) {
  return key in DICT.zh;
}

/** Keys present in one language and missing in the other (for tests): { zhOnly, enOnly }. */
export function missingKeys() {
  const zh = Object.keys(DICT.zh), en = Object.keys(DICT.en);
  return { zhOnly: zh.filter((k) => !(k in DICT.en)), enOnly: en.filter((k) => !(k in DICT.zh)) };
}

/** Server messages are "中文 / English": keep the current language's half (the whole text otherwise). */
export function localize(text) {
  if (typeof text !== 'string') return text == null ? '' : String(text);
  const i = text.indexOf(' / ');
  if (i < 0) return text;
  const zh = text.slice(0, i).trim(), en = text.slice(i + 3).trim();
  const cjk = /[\u3400-\u9fff]/;
  if (!cjk.test(zh) || cjk.test(en)) return text;   // not the bilingual convention
  return current === 'en' ? en : zh;
}

/** obj[field + '_en'] in English when present, else obj[field]. */
export function pick(obj, field = 'name') {
  if (!obj) return '';
  if (current === 'en' && obj[`${field}_en`]) return obj[`${field}_en`];
  return obj[field] ?? '';
}

/** BCP 47 tag of the current language, for Intl and <html lang>. */
export function locale() {
  return HTML_LANG[current];
}

/** Fill static markup: data-i18n (text), data-i18n-placeholder, data-i18n-title, data-i18n-aria-label. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    const data = 'i18n' + attr.replace(/(^|-)(\w)/g, (m, d, c) => c.toUpperCase());
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.dataset[data]));
  }
}

function syncDocument() {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = HTML_LANG[current];
  applyI18n(document);
}

syncDocument();
