import type { HumanDuration } from '@backstage/types';

export interface Config {
  securityPosture?: {
    providers?: {
      /**
       * Live Kubernetes clusters read by the
       * security-posture-backend-module-kubernetes module (and, for their
       * PolicyReports, by the policy-reports module). Without clusters both
       * modules stay idle.
       */
      kubernetes?: {
        /** Set to false to read no cluster even if some are configured. Default true. */
        enabled?: boolean;
        /** The clusters to read. */
        clusters?: Array<{
          /** Unique name: 1-48 letters, digits, ".", "_" or "-". Shown as the resources' location. */
          name: string;
          /** API server URL, e.g. https://k8s.example.com:6443. */
          url: string;
          /** Only "serviceAccount" is supported (the default). */
          authProvider?: 'serviceAccount';
          /**
           * Bearer token of the service account. When absent, the token mounted into
           * the backend's pod is used (the backend runs in that cluster).
           * @visibility secret
           */
          serviceAccountToken?: string;
          /** Base64-encoded PEM of the CA of the API server certificate. */
          caData?: string;
          /** Path of a PEM file of that CA. */
          caFile?: string;
          /** Turns TLS verification off. Default false; never in production. */
          skipTLSVerify?: boolean;
          /** Budget for listing the whole cluster once per scan. Default 5 minutes. */
          timeout?: HumanDuration | string;
          /** Budget for one request to the API server. Default 30 seconds. */
          requestTimeout?: HumanDuration | string;
        }>;
        /**
         * Also read the clusters of the Kubernetes plugin's
         * `kubernetes.clusterLocatorMethods` of type `config` that use the
         * `serviceAccount` auth provider. Default false.
         */
        useKubernetesPluginClusters?: boolean;
        /** Default `timeout` of every cluster. */
        timeout?: HumanDuration | string;
        /** Default `requestTimeout` of every cluster. */
        requestTimeout?: HumanDuration | string;
        /**
         * Kinds listed, from: Deployment, StatefulSet, DaemonSet, ReplicaSet,
         * ReplicationController, CronJob, Job, Pod, Service, Ingress, ConfigMap,
         * Secret, Namespace, NetworkPolicy, ServiceAccount, RoleBinding,
         * ClusterRoleBinding, Role, ClusterRole. Default: all but Secret.
         */
        kinds?: string[];
        /** Objects per list request (`limit`). Default 500. */
        pageSize?: number;
        /** Namespaces never listed. Default kube-system, kube-public, kube-node-lease. */
        excludeNamespaces?: string[];
        /** Retries of a request answered 429 or 5xx or cut by the network. Default 2. */
        retries?: number;
      };
    };
  };
}
