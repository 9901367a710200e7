/**
 * An operation mix for workloads: arrival `seq` runs operation i when frac(offset + seq/φ)
 * falls in i's slice of [0, 1) (a golden-ratio low-discrepancy sequence, as follow-queries
 * does), so every window of N arrivals holds each operation's share to within a couple of
 * operations. Shares are normalised; an operation with share 0 is left out.
 */

/** One entry of a mix: a name and its share (any non-negative weight). */
export interface MixEntry<N extends string> {
  op: N;
  share: number;
}

/** The entries with a share above 0, shares normalised to sum to 1 (order kept). @throws Error when every share is 0 (the options' schema refuses that first). */
export function normaliseMix<N extends string>(raw: readonly MixEntry<N>[]): MixEntry<N>[] {
  const sum = raw.reduce((a, m) => a + Math.max(0, m.share), 0);
  if (!(sum > 0)) throw new Error('the operation mix is empty');
  return raw.filter((m) => m.share > 0).map((m) => ({ op: m.op, share: m.share / sum }));
}

/** A picker: seq -> index into `mix`. `offset` in [0, 1) (draw it from the thread's PRNG). */
export function mixPicker(mix: readonly MixEntry<string>[], offset: number): (seq: number) => number {
  const bounds: number[] = [];
  let acc = 0;
  for (const m of mix) bounds.push((acc += m.share));
  const phiInv = 0.6180339887498949;
  return (seq) => {
    const u = (offset + seq * phiInv) % 1;
    for (let i = 0; i < bounds.length; i++) if (u < bounds[i]!) return i;
    return bounds.length - 1;
  };
}
