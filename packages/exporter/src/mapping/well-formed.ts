interface MaybeWellFormed {
  isWellFormed(): boolean;
}

/** No lone UTF-16 surrogate (`String.prototype.isWellFormed`, Node ≥ 20; not yet in our TypeScript lib). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as MaybeWellFormed).isWellFormed();
}
