import { jsonSyntaxText } from '../../../core/json-error.js';

/**
 * The JSON of a package manifest or lockfile found in an image, or undefined, with a note naming the
 * file, when it is not JSON: one broken file in a layer must not stop the scan of the image.
 */
export function parseJsonFile(text: string, location: string, notes: string[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Placed by line and column: V8's message quotes the text around the error, which may be a token.
    notes.push(`${location}: not JSON (${jsonSyntaxText(text)}); skipped`);
    return undefined;
  }
}
