// JSON Merge Patch (RFC 7396) and the paths where two JSON values differ.

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 7396: the result of applying patch to target (neither is modified). */
export function mergePatch(target, patch) {
  if (!isObject(patch)) return structuredClone(patch);
  const result = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** A path (array of keys) as a Set-friendly string. */
export const pathKey = (path) => JSON.stringify(path);

/**
 * Paths whose value differs between before and after: leaves that changed, keys added or removed.
 * Objects are compared key by key; anything else (arrays included) as a whole.
 */
export function changedPaths(before, after, path = [], out = { changed: new Set(), removed: [] }) {
  if (isObject(before) && isObject(after)) {
    for (const key of Object.keys(after)) {
      if (!(key in before)) out.changed.add(pathKey([...path, key]));
      else changedPaths(before[key], after[key], [...path, key], out);
    }
    for (const key of Object.keys(before)) {
      if (!(key in after)) out.removed.push([...path, key]);
    }
  } else if (!sameJson(before, after)) {
    out.changed.add(pathKey(path));
  }
  return out;
}

function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The paths a merge patch sets (changed) and removes (null values), for highlighting: an object value is
 * walked into, anything else is one changed path.
 */
export function patchPaths(patch, path = [], out = { changed: new Set(), removed: [] }) {
  for (const [key, value] of Object.entries(isObject(patch) ? patch : {})) {
    const at = [...path, key];
    if (value === null) out.removed.push(at);
    else if (isObject(value) && Object.keys(value).length) patchPaths(value, at, out);
    else out.changed.add(pathKey(at));
  }
  return out;
}
