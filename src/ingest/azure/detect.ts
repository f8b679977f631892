import type { InputNote } from '../../core/errors.js';
import { asObj, asString, isObj, type Obj, type Resource } from '../../core/resource.js';
import { armTemplateResources, isArmTemplate } from './arm-template.js';
import { AGENT_POOL_KIND, armKind, MANAGED_CLUSTER_KIND, type AzureDecoded } from './kinds.js';
import { lineAt } from '../../core/lines.js';
import { isTerraformConfig, terraformConfigResources } from './terraform-config.js';
import { isTerraformPlan, terraformPlanResources } from './terraform-plan.js';

export type { AzureDecoded } from './kinds.js';

/**
 * The Azure resources one decoded document describes, or undefined when it is none of the Azure
 * or Terraform shapes Palisade reads. `text` is the document's JSON text, used to give template and
 * plan resources their own lines.
 */
export function azureResources(value: unknown, source: string, line: number, text?: string): AzureDecoded | undefined {
  if (!isObj(value)) return undefined;
  if (isArmTemplate(value)) return armTemplateResources(value, source, line, text);
  if (isTerraformPlan(value)) return terraformPlanResources(value, source, line, text);
  if (isTerraformConfig(value)) return terraformConfigResources(value, source, text, line, 'terraform-hcl');
  if (isRestExample(value)) return restExample(value, source, line, text);
  const single = azureObject(value, source, line);
  if (single) return { resources: [single], notes: [] };
  // `{value: [...]}`: a REST list response, and what older `az monitor diagnostic-settings list` prints.
  if (Array.isArray(value.value)) {
    const resources = value.value.flatMap((item) => azureObject(item, source, line) ?? []);
    if (resources.length) return { resources, notes: [] };
  }
  return undefined;
}

/**
 * One resource as the REST API returns it (`properties` wrapper) or as the az CLI prints it
 * (flattened, SDK camelCase, nulls for unset values).
 */
function azureObject(value: unknown, source: string, line: number, apiVersion?: string): Resource | undefined {
  if (!isObj(value)) return undefined;
  const kind = armKind(value.type);
  if (!kind) return undefined;
  const rest = isObj(value.properties);
  const name = asString(value.name) ?? asString(value.id)?.split('/').pop() ?? '';
  return {
    apiVersion: rest ? (apiVersion ?? asString(value.apiVersion) ?? 'arm-rest') : 'az-cli',
    kind,
    namespace: null,
    name,
    object: value,
    source: { file: source, line },
    format: rest ? 'arm-rest' : 'az-cli',
  };
}

/** The REST API specification's example files: `{parameters: {..., parameters: BODY}, responses: {"200": {body}}}`. */
function isRestExample(value: Obj): boolean {
  const responses = asObj(value.responses);
  const parameters = asObj(value.parameters);
  if (!responses || !parameters) return false;
  return Object.keys(responses).some((k) => /^\d{3}$/.test(k)) || typeof parameters['api-version'] === 'string';
}

function restExample(example: Obj, source: string, line: number, text: string | undefined): AzureDecoded {
  const parameters = asObj(example.parameters) ?? {};
  const apiVersion = asString(parameters['api-version']);
  const responses = asObj(example.responses) ?? {};
  const notes: InputNote[] = [];
  const candidates: Array<{ body: unknown; request: boolean; at: number }> = [
    { body: asObj(responses['200'])?.body, request: false, at: bodyLine(text, '200', line) },
    { body: asObj(responses['201'])?.body, request: false, at: bodyLine(text, '201', line) },
    { body: parameters.parameters, request: true, at: line },
  ];
  for (const { body, request, at } of candidates) {
    if (!isObj(body)) continue;
    const listed = Array.isArray(body.value) ? body.value.flatMap((item) => azureObject(item, source, at, apiVersion) ?? []) : [];
    if (listed.length) return { resources: listed, notes };
    const direct = azureObject(body, source, at, apiVersion);
    if (direct) return { resources: [direct], notes };
    // A request body carries neither type nor name: the operation and its path parameters say them.
    const kind = request ? requestKind(example, parameters) : undefined;
    if (kind && isObj(body.properties)) {
      const cluster = asString(parameters.resourceName) ?? '';
      const pool = asString(parameters.agentPoolName);
      const name = kind === AGENT_POOL_KIND ? `${cluster}/${pool ?? ''}` : cluster;
      return {
        resources: [{ apiVersion: apiVersion ?? 'arm-rest', kind, namespace: null, name, object: body, source: { file: source, line }, format: 'arm-rest' }],
        notes,
      };
    }
  }
  const title = asString(example.operationId) ?? asString(example.title) ?? 'REST API example';
  notes.push({ source, line, message: `${title}: REST API example without a managedCluster or agentPool body; skipped` });
  return { resources: [], notes };
}

/** Line of `"body"` in response `status`, so that field paths in the body are found below it. */
function bodyLine(text: string | undefined, status: string, fallback: number): number {
  if (text === undefined) return fallback;
  const m = new RegExp(`"${status}"\\s*:\\s*\\{\\s*"body"\\s*:`).exec(text);
  return m ? fallback + lineAt(text, m.index + m[0].lastIndexOf('"body"')) - 1 : fallback;
}

function requestKind(example: Obj, parameters: Obj): string | undefined {
  const op = (asString(example.operationId) ?? '').toLowerCase();
  if (op.startsWith('agentpools_') || typeof parameters.agentPoolName === 'string') return AGENT_POOL_KIND;
  if (op.startsWith('managedclusters_') || typeof parameters.resourceName === 'string') return MANAGED_CLUSTER_KIND;
  return undefined;
}
