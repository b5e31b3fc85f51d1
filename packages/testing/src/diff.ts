/**
 * A line diff for failure messages. Internal (not exported from the package).
 */

/** Unchanged lines kept around each change. */
const CONTEXT = 3;
/** Diffs up to this many lines are shown whole. */
const WHOLE = 60;
/** The largest table (lines × lines, after trimming) the minimal diff builds; beyond it, changed blocks are shown whole. */
const MAX_TABLE = 4_000_000;

/** One line of a diff: kept (`' '`), only in the expected text (`'-'`), only in the actual one (`'+'`). */
interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly text: string;
}

/**
 * The lines of `expected` and `actual` as a unified-style diff: `- ` for a
 * line only in `expected`, `+ ` for one only in `actual`, two spaces for a
 * line in both. In a diff longer than 60 lines, long runs of unchanged
 * lines are cut down to 3 lines of context next to each change and a
 * `@@ n unchanged lines @@` marker. A longest-common-subsequence diff, after
 * trimming the common head and tail (when what remains is huge, its lines
 * are all shown as removed then added).
 */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string {
  const lines = diffLines(expected, actual);
  return (lines.length > WHOLE ? collapse(lines) : lines)
    .map((l) => (typeof l === 'number' ? `@@ ${l} unchanged line${l === 1 ? '' : 's'} @@` : `${l.op} ${l.text}`))
    .join('\n');
}

/** Every line of both texts, marked. */
function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: ' ', text }));
  const kept = a.slice(a.length - tail).map((text): DiffLine => ({ op: ' ', text }));
  if (midA.length * midB.length > MAX_TABLE) {
    return [...out, ...midA.map((text): DiffLine => ({ op: '-', text })), ...midB.map((text): DiffLine => ({ op: '+', text })), ...kept];
  }

  // lcs[i * w + j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const w = midB.length + 1;
  const lcs = new Uint32Array((midA.length + 1) * w);
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * w + j] = midA[i] === midB[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      out.push({ op: ' ', text: midA[i++]! });
      j++;
    } else if (j < midB.length && (i === midA.length || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      out.push({ op: '+', text: midB[j++]! });
    } else {
      out.push({ op: '-', text: midA[i++]! });
    }
  }
  return orderRemovalsFirst([...out, ...kept]);
}

/** Within each run of changes, puts the `-` lines before the `+` lines, as unified diffs do. */
function orderRemovalsFirst(lines: DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  for (let k = 0; k < lines.length; ) {
    if (lines[k]!.op === ' ') {
      out.push(lines[k++]!);
      continue;
    }
    const run: DiffLine[] = [];
    while (k < lines.length && lines[k]!.op !== ' ') run.push(lines[k++]!);
    out.push(...run.filter((l) => l.op === '-'), ...run.filter((l) => l.op === '+'));
  }
  return out;
}

/** Replaces long unchanged runs by their length, keeping {@link CONTEXT} lines next to each change. */
function collapse(lines: DiffLine[]): (DiffLine | number)[] {
  const out: (DiffLine | number)[] = [];
  for (let k = 0; k < lines.length; ) {
    if (lines[k]!.op !== ' ') {
      out.push(lines[k++]!);
      continue;
    }
    let end = k;
    while (end < lines.length && lines[end]!.op === ' ') end++;
    const keepBefore = k === 0 ? 0 : CONTEXT;
    const keepAfter = end === lines.length ? 0 : CONTEXT;
    if (end - k > keepBefore + keepAfter + 1) {
      out.push(...lines.slice(k, k + keepBefore), end - k - keepBefore - keepAfter, ...lines.slice(end - keepAfter, end));
    } else out.push(...lines.slice(k, end));
    k = end;
  }
  return out;
}
