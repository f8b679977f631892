import type { Detector } from '../detector.js';
import admissionWebhookChanged from './admission-webhook-changed.js';
import anonymousRequest from './anonymous-request.js';
import authFailureBurst from './auth-failure-burst.js';
import bodyNotLogged from './body-not-logged.js';
import clusterAdminBinding from './cluster-admin-binding.js';
import configmapCredentials from './configmap-credentials.js';
import csrApproved from './csr-approved.js';
import ephemeralContainer from './ephemeral-container.js';
import execIntoPod from './exec-into-pod.js';
import execRole from './exec-role.js';
import firstSeenIdentity from './first-seen-identity.js';
import hostIpcPod from './host-ipc-pod.js';
import hostNetworkPod from './host-network-pod.js';
import hostPidPod from './host-pid-pod.js';
import impersonation from './impersonation.js';
import ingressWithoutTls from './ingress-without-tls.js';
import namespaceNotAllowed from './namespace-not-allowed.js';
import nodeportService from './nodeport-service.js';
import podImageNotAllowed from './pod-image-not-allowed.js';
import podInKubeNamespace from './pod-in-kube-namespace.js';
import portForward from './port-forward.js';
import privilegedPod from './privileged-pod.js';
import resourceActivity from './resource-activity.js';
import secretRead from './secret-read.js';
import sensitiveMountPod from './sensitive-mount-pod.js';
import serviceAccountInKubeNamespace from './service-account-in-kube-namespace.js';
import serviceAccountTokenOutsideCluster from './service-account-token-outside-cluster.js';
import systemRoleChanged from './system-role-changed.js';
import tokenRequest from './token-request.js';
import userNotAllowed from './user-not-allowed.js';
import wildcardRole from './wildcard-role.js';
import writeRole from './write-role.js';

/** The built-in detectors, in the order their alerts for one event are listed. */
export const DETECTORS: readonly Detector[] = [
  clusterAdminBinding,
  privilegedPod,
  hostNetworkPod,
  hostPidPod,
  hostIpcPod,
  sensitiveMountPod,
  impersonation,
  anonymousRequest,
  tokenRequest,
  serviceAccountTokenOutsideCluster,
  csrApproved,
  secretRead,
  systemRoleChanged,
  execIntoPod,
  ephemeralContainer,
  portForward,
  podInKubeNamespace,
  serviceAccountInKubeNamespace,
  wildcardRole,
  execRole,
  writeRole,
  configmapCredentials,
  admissionWebhookChanged,
  nodeportService,
  ingressWithoutTls,
  authFailureBurst,
  firstSeenIdentity,
  userNotAllowed,
  namespaceNotAllowed,
  podImageNotAllowed,
  resourceActivity,
  bodyNotLogged,
];

export const BODY_NOT_LOGGED = bodyNotLogged;
