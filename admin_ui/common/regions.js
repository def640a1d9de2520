// Administrative divisions (GB/T 2260) for names and pickers, from GET /api/regions when the server has it.
//
//   import { regionsAvailable, provinces, childrenOf, regionName } from '../common/regions.js';
//   await regionName('330100')   // '杭州市' (or the code itself when the endpoint is missing)

import { api } from './api.js';

const cache = new Map();

export function regionsAvailable() {
  return api.has('GET', '/api/regions');
}

async function list(params) {
  const key = JSON.stringify(params);
  if (!cache.has(key)) {
    cache.set(key, (async () => ((await regionsAvailable()) ? api.get('/api/regions', params, { auth: false }) : []))()
      .catch(() => []));
  }
  return cache.get(key);
}

/** [{code, name, level}] of the provinces. */
export function provinces() {
  return list({ level: 'province' });
}

/** Direct children of a division (prefectures of a province, counties of a prefecture). */
export function childrenOf(code) {
  return list({ parent: code });
}

/** The division's name, or the code when it is unknown or the endpoint is missing. */
export async function regionName(code) {
  if (!code || !/^\d{6}$/.test(code)) return code || '';
  const province = `${code.slice(0, 2)}0000`;
  const candidates = code === province ? await provinces()
    : code.endsWith('00') ? await childrenOf(province)
      : [...(await childrenOf(`${code.slice(0, 4)}00`)), ...(await childrenOf(province))];
  const hit = candidates.find((r) => r.code === code);
  return hit ? hit.name : code;
}
