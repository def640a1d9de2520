// Chinese identifier formats, registered with ajv so the browser validates like the server (engine/forms).
// Keep in step with the server implementation: same patterns, same checksums.

const ID_WEIGHTS = [ 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 ];
const ID_CHECK = '10X98765432';

// 公民身份号码, GB 11643-1999: 17 digits + check character (ISO 7064 MOD 11-2), upper-case X only.
export function isCnIdCard(value) {
  if (typeof value !== 'string' || !/^\d{17}[\dX]$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (value.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11] === value[17];
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';   // 31 characters: no I, O, S, V, Z
const USCC_WEIGHTS = [ 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 ];

// 统一社会信用代码, GB 32100-2015: 18 characters of the alphabet above, the last a MOD 31 check character.
export function isCnUscc(value) {
  if (typeof value !== 'string' || value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    const code = USCC_ALPHABET.indexOf(value[i]);
    if (code < 0) return false;
    if (i < 17) sum += code * USCC_WEIGHTS[i];
    else return USCC_ALPHABET[(31 - (sum % 31)) % 31] === value[17];
  }
  return false;
}

// Mainland mobile number, 11 digits.
export function isCnMobile(value) {
  return typeof value === 'string' && /^1[3-9]\d{9}$/.test(value);
}

// 6-digit administrative division code. The server also checks membership in its region table; the browser
// only checks the shape.
export function isCnRegionCode(value) {
  return typeof value === 'string' && /^[1-8]\d{5}$/.test(value);
}

export const CN_FORMATS = {
  'cn-id-card': isCnIdCard,
  'cn-uscc': isCnUscc,
  'cn-mobile': isCnMobile,
  'cn-region-code': isCnRegionCode,
};
