// Formatting: Beijing time (the service's legal time), relative times, 公民身份号码 masking.
//
//   import { dateTime, date, relative, maskIds, containsId } from '../common/format.js';

import { serverNow } from './api.js';
import { t } from './i18n.js';

const TZ = 'Asia/Shanghai';
const cache = new Map();

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

// { year, month, day, hour, minute } in Beijing time, zero-padded strings.
function parts(d) {
  const out = {};
  for (const p of PARTS.formatToParts(d)) out[p.type] = p.value;
  return out;
}

function formatter(kind) {
  if (!cache.has(kind)) {
    cache.set(kind, { format(d) {
      const p = parts(d);
      if (kind === 'date') return `${p.year}-${p.month}-${p.day}`;
      if (kind === 'short') return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    } });
  }
  return cache.get(kind);
}

function parse(value) {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2027-01-05 09:00" (Beijing time). */
export function dateTime(value) {
  const d = parse(value);
  return d ? formatter('datetime').format(d) : '';
}

/** "2027-01-05". */
export function date(value) {
  const d = parse(value);
  return d ? formatter('date').format(d) : '';
}

/** "01-05 09:00": this year's dates in dense tables. */
export function shortDateTime(value) {
  const d = parse(value);
  if (!d) return '';
  return formatter(parts(d).year === parts(new Date()).year ? 'short' : 'datetime').format(d);
}

function span(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  if (minutes < 60) return t('time.minutes', { n: Math.max(minutes, 1) });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('time.hours', { n: hours });
  return t('time.days', { n: Math.round(hours / 24) });
}

/** "3 天后到期" / "已超 5 小时" relative to now (calendar time). */
export function relative(value, now = serverNow()) {
  const d = parse(value);
  if (!d) return '';
  const ms = d.getTime() - now;
  return ms >= 0 ? t('time.in', { t: span(ms) }) : t('time.ago', { t: span(ms) });
}

// 18-character 公民身份号码: 6-digit address code, birth date 18xx–20xx, 3-digit sequence, check digit or X.
const ID_PATTERN = '(\\d{6})((?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]))(\\d{3}[\\dXx])';
const ID_RE = new RegExp(`(?<![0-9A-Za-z])${ID_PATTERN}(?![0-9A-Za-z])`, 'g');

/** Mask every resident ID number in a string: 11010519491231002X -> 110105********002X. */
export function maskIds(text) {
  if (typeof text !== 'string') return text;
  return text.replace(ID_RE, (m, area, birth, tail) => `${area}${'*'.repeat(birth.length)}${tail}`);
}

// As the server sends them to whoever may not see them whole: 110105********002X.
const MASKED_RE = /(?<![0-9A-Za-z])\d{6}\*{8}\d{3}[\dX](?![0-9A-Za-z])/;

/** Whether a value (string, or nested object/array) contains a resident ID number, whole or masked. */
export function containsId(value) {
  if (typeof value === 'string') {
    ID_RE.lastIndex = 0;
    const found = ID_RE.test(value) || MASKED_RE.test(value);
    ID_RE.lastIndex = 0;
    return found;
  }
  if (Array.isArray(value)) return value.some(containsId);
  if (value && typeof value === 'object') return Object.values(value).some(containsId);
  return false;
}
