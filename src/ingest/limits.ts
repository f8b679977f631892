/** Bounds that keep hostile input from exhausting memory or stack. */
export interface InputLimits {
  /** Largest single YAML/JSON document, in bytes. */
  maxDocumentBytes: number;
  /** Largest file (or stdin) read at all, in bytes. */
  maxFileBytes: number;
  /** Alias references (`*ref`) allowed per YAML document. */
  maxAliases: number;
  /** Deepest nesting of mappings and sequences. */
  maxDepth: number;
  /** Nodes a document may expand to once aliases are followed (billion-laughs guard). */
  maxExpandedNodes: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxDocumentBytes: 10 * 1024 * 1024,
  maxFileBytes: 512 * 1024 * 1024,
  maxAliases: 1000,
  maxDepth: 100,
  maxExpandedNodes: 1_000_000,
};
