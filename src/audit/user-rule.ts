import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { UsageError } from '../core/errors.js';
import type { Severity } from '../core/severity.js';
import type { AlertFrameworkRef } from './alert.js';
import type { DetectorMeta } from './detector.js';
import type { AuditEvent } from './event.js';

/** A rule from a rules file: a CEL condition over `event`, compiled once. */
export interface UserRule {
  meta: DetectorMeta;
  /** Throws when the condition cannot be evaluated on this event (a missing field without has()). */
  matches(ev: AuditEvent): boolean;
  message(ev: AuditEvent): string;
}

export interface UserRuleSpec {
  id: string;
  severity: Severity;
  condition: string;
  title?: string;
  /** A fixed message, or `messageExpression` (CEL, a string) to build one from the event. */
  message?: string;
  messageExpression?: string;
  description?: string;
  frameworks?: AlertFrameworkRef[];
}

/**
 * The CEL environment of rules: one variable, `event`, the audit Event as read (with `user`,
 * `objectRef`, `responseStatus`, `annotations` and `sourceIPs` always present). Optional chaining
 * (`event.?objectRef.?subresource.orValue("")`) is on, as in Kubernetes' own CEL.
 */
function environment(): Environment {
  return new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false, limits: { maxAstNodes: 10_000, maxDepth: 100 } })
    .registerVariable('event', 'map');
}

/** The line and column of an offset in an expression, 1-based. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

function compile(env: Environment, text: string, where: string, wantType: 'bool' | 'string'): ParseResult {
  let parsed: ParseResult;
  try {
    parsed = env.parse(text);
  } catch (e) {
    throw new UsageError(celError(where, text, e));
  }
  const check = parsed.check();
  if (!check.valid) throw new UsageError(celError(where, text, check.error));
  if (check.type !== wantType && check.type !== 'dyn') throw new UsageError(`${where}: must be a ${wantType}, is a ${String(check.type)}`);
  return parsed;
}

function celError(where: string, text: string, e: unknown): string {
  const err = e as { summary?: string; message?: string; range?: { start: number } } | undefined;
  const summary = err?.summary ?? err?.message?.split('\n')[0] ?? String(e);
  const at = err?.range ? ` at ${position(text, err.range.start)}` : '';
  // The library's message carries a caret under the offending token; keep it for people.
  const caret = err?.message?.includes('\n') ? `\n${err.message.split('\n').slice(1).join('\n')}` : '';
  return `${where}${at}: ${summary}${caret}`;
}

/**
 * Compiles rules once; a bad expression is a usage error naming the rule and the position in it.
 * `origin` (the file) prefixes the messages.
 */
export function compileUserRules(specs: readonly UserRuleSpec[], origin: string): UserRule[] {
  const env = environment();
  return specs.map((spec, i) => {
    const where = `${origin}: rule ${spec.id} (rules[${i}])`;
    const condition = compile(env, spec.condition, `${where} condition`, 'bool');
    const messageExpr = spec.messageExpression !== undefined ? compile(env, spec.messageExpression, `${where} messageExpression`, 'string') : undefined;
    const fixed = spec.message ?? spec.title ?? `matched rule ${spec.id}`;
    const meta: DetectorMeta = {
      id: spec.id,
      title: spec.title ?? spec.message ?? spec.id,
      severity: spec.severity,
      frameworks: spec.frameworks ?? [],
      description: spec.description ?? '',
      remediation: '',
    };
    return {
      meta,
      matches: (ev) => condition({ event: ev }) === true,
      message: (ev) => {
        if (!messageExpr) return fixed;
        try {
          const m: unknown = messageExpr({ event: ev });
          return typeof m === 'string' ? m : fixed;
        } catch {
          // A message that cannot be built must not lose the alert.
          return fixed;
        }
      },
    };
  });
}
