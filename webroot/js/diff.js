// A word diff of two texts (Myers' O((N+M)D) shortest edit script), no library. Tokens are words,
// runs of whitespace (so line breaks survive) and single punctuation marks (so "jumps." and "jumps" share
// the word). When the texts differ in more than MAX_EDITS words the
// comparison is repeated line by line, and past that the text is shown as removed and added as a whole,
// so a huge rewrite never stalls the page.

const MAX_EDITS = 1000; // bounds the trace (MAX_EDITS² numbers, 4 MB) and the time (~0.1 s at worst)

/** [{op: 'same' | 'del' | 'ins', text}], adjacent parts of one kind merged. */
export function diffWords(before, after) {
  const a = String(before ?? '');
  const b = String(after ?? '');
  if (a === b) return a ? [{ op: 'same', text: a }] : [];
  const words = (s) => s.match(/\s+|[\p{L}\p{M}\p{N}_]+|[^\s\p{L}\p{M}\p{N}_]/gu) ?? [];
  const lines = (s) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const parts = myers(words(a), words(b)) ?? myers(lines(a), lines(b))
    ?? [{ op: 'del', text: a }, { op: 'ins', text: b }];
  return merge(parts);
}

/** The edit script from a to b, or null when it needs more than MAX_EDITS insertions and deletions. */
function myers(a, b) {
  const n = a.length;
  const m = b.length;
  const trace = []; // trace[d][k + d]: the furthest x reached on diagonal k with d edits
  let found = -1;
  for (let d = 0; d <= Math.min(n + m, MAX_EDITS) && found < 0; d++) {
    const prev = trace[d - 1];
    const v = new Int32Array(2 * d + 1);
    for (let k = -d; k <= d; k += 2) {
      let x;
      if (d === 0) x = 0;
      else if (k === -d || (k !== d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1])) x = prev[k + 1 + d - 1];
      else x = prev[k - 1 + d - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + d] = x;
      if (x >= n && y >= m) found = d;
    }
    trace.push(v);
  }
  if (found < 0) return null;
  const out = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1];
    const k = x - y;
    const down = k === -d || (k !== d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[prevK + d - 1];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      y--;
      out.push({ op: 'same', text: a[--x] });
    }
    if (down) out.push({ op: 'ins', text: b[--y] });
    else out.push({ op: 'del', text: a[--x] });
  }
  while (x > 0) out.push({ op: 'same', text: a[--x] });
  return out.reverse();
}

/** Joins neighbours of one kind. */
function merge(parts) {
  const out = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (last && last.op === part.op) last.text += part.text;
    else out.push({ ...part });
  }
  return out;
}

/** Counts of words (letters and digits) added and removed, for a one-line summary. */
export function diffStats(parts) {
  const count = (op) => parts.filter((p) => p.op === op)
    .reduce((n, p) => n + (p.text.match(/[\p{L}\p{M}\p{N}_]+/gu)?.length ?? 0), 0);
  return { added: count('ins'), removed: count('del') };
}
