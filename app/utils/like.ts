/** LIKE patterns from what a person typed: their %, _ and \ are taken literally (MySQL's default escape character is \). */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A LIKE pattern that finds `text` anywhere in the value. */
export function likeContains(text: string): string {
  return `%${escapeLike(text)}%`;
}

/** A LIKE pattern that finds values starting with `text`. */
export function likePrefix(text: string): string {
  return `${escapeLike(text)}%`;
}
