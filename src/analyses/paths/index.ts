export { attackPaths, markFindingsOnPaths, pathSeverity, type AttackPathAnalysis, type AttackPathOptions } from './paths.js';
export { PATH_RULE_IDS } from './findings.js';
export { buildAttackGraph, API_SERVER, INTERNET, KUBE_SYSTEM_SECRETS, NODE, OTHER_NAMESPACES } from './build.js';
export { AttackGraph, type EntryPoint, type Step, type StepFix } from './graph.js';
export { bestRoutes, MAX_DEPTH } from './search.js';
export { PATH_FORMATS, renderPaths, type PathFormat, type PathsReport } from './render.js';
export { aksComponentSetting, ownerActionText, type AksComponentSetting } from './aks-settings.js';
