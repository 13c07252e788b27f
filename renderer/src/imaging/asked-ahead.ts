/**
 * Answers asked for ahead of their use, each taken once: what a study's opening starts before the
 * screen or the image loader that uses it asks (study-opening.ts, viewer/instance-prefetch.ts).
 */
export class AskedAhead<T> {
  private readonly answers = new Map<string, Promise<T>>();

  has(key: string): boolean {
    return this.answers.has(key);
  }

  /** Keeps `answer` for `key`; its failure is the taker's to handle, none is left unhandled meanwhile. */
  keep(key: string, answer: Promise<T>): void {
    answer.catch(() => undefined);
    this.answers.set(key, answer);
  }

  /** Forgets every answer kept and not taken. */
  clear(): void {
    this.answers.clear();
  }

  /** The answer kept for `key`, taken (a second asking finds none), if there is one. */
  taken(key: string): Promise<T> | undefined {
    const answer = this.answers.get(key);
    this.answers.delete(key);
    return answer;
  }

  /** The answer kept for `key` (taken: a second asking asks again), else `ask()`. */
  take(key: string, ask: () => Promise<T>): Promise<T> {
    return this.taken(key) ?? ask();
  }
}
