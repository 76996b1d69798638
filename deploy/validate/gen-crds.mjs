// Generates Stashflow's CustomResourceDefinitions for every Stash kind it reads (deploy/crds/*.yaml, deploy/crds/crds.yaml
// and the chart's copy in deploy/helm/stashflow/crds/) from the field lists of ../shared/reference/stash-semantics.md §1.
//
//   node deploy/validate/gen-crds.mjs           write the files
//   node deploy/validate/gen-crds.mjs --check   exit 1 when a file differs from what would be written (CI)
//
// The schemas are built here from shared pieces (runtime settings, hooks, targets, backends ...) instead of being kept
// by hand in nine YAML files, so that a type used by several kinds cannot drift between them. Rules that hold for all:
// - structural: every node has a type (or is int-or-string), objects list their properties, arrays have items;
// - Kubernetes' own types embedded in Stash's (volumes, volume mounts, env, probes, security contexts, affinity,
//   tolerations, PVC templates ...) are `type: object` with x-kubernetes-preserve-unknown-fields, because the API
//   server validates them when the pod is created, and copying their full schemas would pin a Kubernetes version;
// - enums only where Stash's Go types have a closed set of values.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const deployDir = join(here, '..');

// ---- schema building blocks ------------------------------------------------------------------------------------------
const str = (description) => (description ? { type: 'string', description } : { type: 'string' });
const int32 = (description) => ({ type: 'integer', format: 'int32', ...(description ? { description } : {}) });
const int64 = (description) => ({ type: 'integer', format: 'int64', ...(description ? { description } : {}) });
const bool = (description) => (description ? { type: 'boolean', description } : { type: 'boolean' });
const time = (description) => ({ type: 'string', format: 'date-time', ...(description ? { description } : {}) });
const duration = (description) => str(description ?? 'Go duration, e.g. 30m or 1h30m.');
const arr = (items, description) => ({ type: 'array', items, ...(description ? { description } : {}) });
const strs = (description) => arr({ type: 'string' }, description);
const enumOf = (values, description) => ({ ...str(description), enum: values });
const obj = (properties, extra = {}) => ({ type: 'object', ...extra, properties });
const stringMap = (description) => ({ type: 'object', additionalProperties: { type: 'string' }, ...(description ? { description } : {}) });
// A Kubernetes type embedded as is (its own schema is the API server's, checked when the pod is created).
const k8s = (what) => ({ type: 'object', description: `Kubernetes ${what}.`, 'x-kubernetes-preserve-unknown-fields': true });
const k8sList = (what) => arr(k8s(what), `List of Kubernetes ${what}.`);
const intOrString = (description) => ({
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  ...(description ? { description } : {}),
});

const param = obj({ name: str('Variable name, used as ${name} in the Function.'), value: str() }, { required: ['name'] });
const taskRef = obj(
  {
    name: str('Task name; empty means the task of the target AppBinding\'s addon.'),
    params: arr(param, 'Parameters passed to the Task, overriding the step parameters.'),
  },
  { description: 'Task to run.' },
);
const targetRef = obj(
  { apiVersion: str(), kind: str(), name: str(), namespace: str() },
  { description: 'The workload, PVC or AppBinding backed up or restored.' },
);
const repositoryRef = obj({ name: str(), namespace: str() }, { description: 'Repository holding the backups.', required: ['name'] });
const condition = obj(
  {
    type: str(),
    status: enumOf(['True', 'False', 'Unknown']),
    observedGeneration: int64(),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
    severity: str(),
  },
  { required: ['type', 'status'] },
);
const conditions = arr(condition);
const driver = enumOf(['Restic', 'VolumeSnapshotter'], 'Restic (default) or VolumeSnapshotter.');
const retryConfig = obj(
  { maxRetry: int32('Retries of a failed session (default 1).'), delay: duration('Wait before a retry, e.g. 5m.') },
  { description: 'Retries of failed sessions.' },
);
const tempDir = obj(
  { medium: str('emptyDir medium, e.g. Memory.'), sizeLimit: intOrString('emptyDir size limit (a quantity).'), disableCaching: bool() },
  { description: 'The /stash-tmp emptyDir.' },
);
const retentionPolicy = obj(
  {
    name: str(),
    keepLast: int64(),
    keepHourly: int64(),
    keepDaily: int64(),
    keepWeekly: int64(),
    keepMonthly: int64(),
    keepYearly: int64(),
    keepTags: strs(),
    prune: bool('Remove the data of forgotten snapshots.'),
    dryRun: bool(),
  },
  { description: 'Which snapshots to keep (restic forget).', required: ['prune'] },
);
const runtimeSettings = obj(
  {
    pod: obj(
      {
        podLabels: stringMap(),
        podAnnotations: stringMap(),
        nodeSelector: stringMap(),
        serviceAccountName: str(),
        serviceAccountAnnotations: stringMap(),
        automountServiceAccountToken: bool(),
        nodeName: str(),
        securityContext: k8s('PodSecurityContext'),
        imagePullSecrets: k8sList('LocalObjectReference'),
        affinity: k8s('Affinity'),
        schedulerName: str(),
        tolerations: k8sList('Toleration'),
        priorityClassName: str(),
        priority: int32(),
        readinessGates: k8sList('PodReadinessGate'),
        runtimeClassName: str(),
        enableServiceLinks: bool(),
        topologySpreadConstraints: k8sList('TopologySpreadConstraint'),
      },
      { description: 'Settings of the pod.' },
    ),
    container: containerRuntimeSettings(),
  },
  { description: 'Pod and container settings of the backup/restore pod.' },
);
function containerRuntimeSettings() {
  return obj(
    {
      resources: k8s('ResourceRequirements'),
      livenessProbe: k8s('Probe'),
      readinessProbe: k8s('Probe'),
      lifecycle: k8s('Lifecycle'),
      securityContext: k8s('SecurityContext'),
      nice: obj({ adjustment: int32() }),
      ionice: obj({ class: int32(), classData: int32() }),
      envFrom: k8sList('EnvFromSource'),
      env: k8sList('EnvVar'),
    },
    { description: 'Settings of the containers.' },
  );
}
// Stash's prober Handler: Kubernetes' exec/httpGet/tcpSocket actions, its own httpPost, and the container to run in.
const httpPost = obj({
  path: str(),
  port: intOrString(),
  host: str(),
  scheme: str(),
  httpHeaders: k8sList('HTTPHeader'),
  body: str(),
  form: arr(obj({ key: str(), values: strs() }, { required: ['key'] })),
});
const handlerProperties = {
  exec: k8s('ExecAction'),
  httpGet: k8s('HTTPGetAction'),
  httpPost,
  tcpSocket: k8s('TCPSocketAction'),
  containerName: str('Container of the target pod the hook runs in.'),
};
const handler = (description) => obj(handlerProperties, { description });
const postHandler = (policies, description) =>
  obj({ ...handlerProperties, executionPolicy: enumOf(policies, 'When the hook runs (default Always).') }, { description });
const backupHooks = obj(
  {
    preBackup: handler('Runs before the backup.'),
    postBackup: postHandler(['Always', 'OnFailure', 'OnSuccess', 'OnFinalRetryFailure'], 'Runs after the backup.'),
  },
  { description: 'Backup hooks.' },
);
const restoreHooks = obj(
  {
    preRestore: handler('Runs before the restore.'),
    postRestore: postHandler(['Always', 'OnFailure', 'OnSuccess'], 'Runs after the restore.'),
  },
  { description: 'Restore hooks.' },
);
const backupTarget = obj(
  {
    alias: str(),
    ref: targetRef,
    paths: strs('Paths to back up.'),
    volumeMounts: k8sList('VolumeMount'),
    replicas: int32(),
    snapshotClassName: str(),
    exclude: strs('Patterns excluded from the backup.'),
    args: strs('Extra arguments to the backup tool.'),
  },
  { description: 'What is backed up.' },
);
const rule = obj({
  targetHosts: strs(),
  sourceHost: str(),
  snapshots: strs(),
  paths: strs(),
  exclude: strs(),
  include: strs(),
});
const restoreTarget = obj(
  {
    alias: str(),
    ref: targetRef,
    volumeMounts: k8sList('VolumeMount'),
    replicas: int32(),
    volumeClaimTemplates: k8sList('PersistentVolumeClaim template'),
    rules: arr(rule),
    args: strs(),
  },
  { description: 'Where the data is restored to.' },
);
const backend = obj(
  {
    storageSecretName: str('Secret with the repository password and the backend credentials.'),
    // local: a Kubernetes VolumeSource inline (hostPath, nfs, persistentVolumeClaim ...) next to mountPath/subPath
    local: obj({ mountPath: str(), subPath: str() }, { 'x-kubernetes-preserve-unknown-fields': true, description: 'A volume (VolumeSource fields inline).' }),
    s3: obj({ endpoint: str(), bucket: str(), prefix: str(), region: str(), insecureTLS: bool() }),
    gcs: obj({ bucket: str(), prefix: str(), maxConnections: int64() }),
    azure: obj({ container: str(), prefix: str(), maxConnections: int64() }),
    swift: obj({ container: str(), prefix: str() }),
    b2: obj({ bucket: str(), prefix: str(), maxConnections: int64() }),
    rest: obj({ url: str() }),
  },
  { description: 'Where the restic repository lives: one of local, s3, gcs, azure, swift, b2, rest.' },
);
const usagePolicy = obj({
  allowedNamespaces: obj({
    from: enumOf(['All', 'Selector', 'Same'], 'Namespaces that may use this Repository (default Same).'),
    selector: k8s('LabelSelector'),
  }),
});
// the fields a BackupConfiguration and a BackupBatch member share (BackupConfigurationTemplateSpec)
const backupTemplateProperties = {
  task: taskRef,
  target: backupTarget,
  runtimeSettings,
  tempDir,
  interimVolumeTemplate: k8s('PersistentVolumeClaim template'),
  hooks: backupHooks,
};
const backupInvokerPhase = enumOf(['Invalid', 'Ready', 'NotReady']);
const fileStats = obj({ totalFiles: int64(), newFiles: int64(), modifiedFiles: int64(), unmodifiedFiles: int64() });
const snapshotStats = obj({ name: str(), path: str(), totalSize: str(), uploaded: str(), processingTime: str(), fileStats });

// ---- the kinds ---------------------------------------------------------------------------------------------------------
const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
const phaseColumn = { name: 'Phase', type: 'string', jsonPath: '.status.phase' };
const categories = ['stash', 'appscode'];

const kinds = [
  {
    kind: 'Function',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Cluster',
    shortNames: ['fn'],
    columns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image' }, age],
    spec: obj(
      {
        image: str('Image of the step; may hold ${VAR} placeholders.'),
        command: strs(),
        args: strs(),
        workingDir: str(),
        ports: k8sList('ContainerPort'),
        volumeMounts: k8sList('VolumeMount'),
        volumeDevices: k8sList('VolumeDevice'),
        runtimeSettings: containerRuntimeSettings(),
        podSecurityPolicyName: str(),
      },
      { required: ['image'] },
    ),
  },
  {
    kind: 'Task',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Cluster',
    shortNames: ['task'],
    columns: [age],
    spec: obj({
      steps: arr(obj({ name: str('Function name.'), params: arr(param) }, { required: ['name'] }), 'Functions run in order.'),
      volumes: k8sList('Volume'),
    }),
  },
  {
    kind: 'BackupBlueprint',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Cluster',
    shortNames: ['bb'],
    columns: [
      { name: 'Task', type: 'string', jsonPath: '.spec.task.name' },
      { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      age,
    ],
    spec: obj({
      backend,
      wipeOut: bool(),
      usagePolicy,
      backupNamespace: str(),
      repoNamespace: str(),
      schedule: str('Cron schedule.'),
      task: taskRef,
      retentionPolicy,
      runtimeSettings,
      tempDir,
      interimVolumeTemplate: k8s('PersistentVolumeClaim template'),
      hooks: backupHooks,
      backupHistoryLimit: int32(),
      timeOut: duration(),
      retryConfig,
    }),
  },
  {
    kind: 'BackupConfiguration',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Namespaced',
    shortNames: ['bc'],
    columns: [
      { name: 'Task', type: 'string', jsonPath: '.spec.task.name' },
      { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
      phaseColumn,
      age,
    ],
    spec: obj({
      ...backupTemplateProperties,
      schedule: str('Cron schedule.'),
      driver,
      repository: repositoryRef,
      retentionPolicy,
      paused: bool(),
      backupHistoryLimit: { ...int32('BackupSessions kept (default 1).'), minimum: 0 },
      timeOut: duration(),
      retryConfig,
    }),
    status: obj({ observedGeneration: int64(), conditions, phase: backupInvokerPhase }),
  },
  {
    kind: 'BackupSession',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Namespaced',
    shortNames: [],
    columns: [
      { name: 'Invoker-Type', type: 'string', jsonPath: '.spec.invoker.kind' },
      { name: 'Invoker-Name', type: 'string', jsonPath: '.spec.invoker.name' },
      phaseColumn,
      { name: 'Duration', type: 'string', jsonPath: '.status.sessionDuration' },
      age,
    ],
    spec: obj(
      {
        invoker: obj(
          { apiGroup: str(), kind: str('BackupConfiguration or BackupBatch.'), name: str() },
          { required: ['kind', 'name'] },
        ),
        retryLeft: { ...int32('Retries left after this session.'), minimum: 0 },
      },
      { required: ['invoker'] },
    ),
    status: obj({
      phase: enumOf(['Pending', 'Skipped', 'Running', 'Succeeded', 'Failed', 'Unknown']),
      sessionDuration: duration('Set when the phase becomes final, e.g. 1m5s.'),
      targets: arr(
        obj({
          ref: targetRef,
          totalHosts: int32(),
          phase: enumOf(['Pending', 'Succeeded', 'Running', 'Failed']),
          stats: arr(
            obj({
              hostname: str(),
              phase: enumOf(['Succeeded', 'Failed']),
              duration: str(),
              error: str(),
              snapshots: arr(snapshotStats),
            }),
          ),
          preBackupActions: strs(),
          postBackupActions: strs(),
          conditions,
        }),
      ),
      conditions,
      sessionDeadline: time(),
      retried: bool(),
      nextRetry: time(),
    }),
  },
  {
    kind: 'RestoreSession',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Namespaced',
    shortNames: ['restore'],
    columns: [
      { name: 'Repository', type: 'string', jsonPath: '.spec.repository.name' },
      phaseColumn,
      { name: 'Duration', type: 'string', jsonPath: '.status.sessionDuration' },
      age,
    ],
    spec: obj({
      task: taskRef,
      target: restoreTarget,
      runtimeSettings,
      tempDir,
      interimVolumeTemplate: k8s('PersistentVolumeClaim template'),
      hooks: restoreHooks,
      driver,
      repository: repositoryRef,
      rules: arr(rule, 'Deprecated: use target.rules.'),
      timeOut: duration(),
    }),
    status: obj({
      phase: enumOf(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', 'Invalid']),
      totalHosts: int32(),
      sessionDuration: duration(),
      stats: arr(
        obj({ hostname: str(), phase: enumOf(['Succeeded', 'Failed', 'Running', 'Unknown']), duration: str(), error: str() }),
      ),
      conditions,
      sessionDeadline: time(),
    }),
  },
  {
    kind: 'BackupBatch',
    group: 'stash.appscode.com',
    version: 'v1beta1',
    scope: 'Namespaced',
    shortNames: [],
    columns: [
      { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
      { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
      phaseColumn,
      age,
    ],
    spec: obj({
      members: arr(obj(backupTemplateProperties), 'One BackupConfiguration template per target.'),
      schedule: str('Cron schedule.'),
      runtimeSettings,
      driver,
      repository: repositoryRef,
      retentionPolicy,
      paused: bool(),
      backupHistoryLimit: { ...int32(), minimum: 0 },
      hooks: backupHooks,
      executionOrder: enumOf(['Parallel', 'Sequential'], 'How the members run (default Parallel).'),
      timeOut: duration(),
      retryConfig,
    }),
    status: obj({
      observedGeneration: int64(),
      conditions,
      memberConditions: arr(obj({ target: targetRef, conditions })),
      phase: backupInvokerPhase,
    }),
  },
  {
    kind: 'Repository',
    group: 'stash.appscode.com',
    version: 'v1alpha1',
    scope: 'Namespaced',
    shortNames: ['repo'],
    columns: [
      { name: 'Integrity', type: 'boolean', jsonPath: '.status.integrity' },
      { name: 'Size', type: 'string', jsonPath: '.status.totalSize' },
      { name: 'Snapshot-Count', type: 'integer', jsonPath: '.status.snapshotCount' },
      { name: 'Last-Successful-Backup', type: 'date', jsonPath: '.status.lastBackupTime', format: 'date-time' },
      age,
    ],
    spec: obj({ backend, wipeOut: bool('Delete the restic repository with this object.'), usagePolicy }, { required: ['backend'] }),
    status: obj({
      observedGeneration: int64(),
      firstBackupTime: time(),
      lastBackupTime: time('Creation time of the last successful BackupSession.'),
      integrity: bool(),
      totalSize: str('e.g. 12.3 MiB'),
      snapshotCount: int64(),
      snapshotsRemovedOnLastCleanup: int64(),
      references: arr(obj({ apiGroup: str(), kind: str(), name: str(), namespace: str() })),
    }),
  },
  {
    kind: 'AppBinding',
    group: 'appcatalog.appscode.com',
    version: 'v1alpha1',
    scope: 'Namespaced',
    shortNames: [],
    columns: [
      { name: 'Type', type: 'string', jsonPath: '.spec.type' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      age,
    ],
    spec: obj({
      type: str('Application type, e.g. kubedb.com/postgres.'),
      appRef: obj({ apiGroup: str(), kind: str(), name: str() }),
      version: str(),
      clientConfig: obj({
        url: str(),
        service: obj({ scheme: str(), namespace: str(), name: str(), port: int32(), path: str(), query: str() }),
        insecureSkipTLSVerify: bool(),
        caBundle: { type: 'string', format: 'byte' },
        serverName: str(),
      }),
      secret: obj({ name: str() }),
      secretTransforms: arr({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      // holds stash.addon.backupTask / restoreTask among others; free-form like Kubernetes' RawExtension
      parameters: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      tlsSecret: obj({ name: str() }),
    }),
  },
];

const plural = (kind) => {
  const lower = kind.toLowerCase();
  return lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : lower.endsWith('s') || lower.endsWith('h') ? `${lower}es` : `${lower}s`;
};

function crd(k) {
  const names = { kind: k.kind, listKind: `${k.kind}List`, plural: plural(k.kind), singular: k.kind.toLowerCase(), categories };
  if (k.shortNames.length > 0) names.shortNames = k.shortNames;
  const properties = { apiVersion: str(), kind: str(), metadata: { type: 'object' }, spec: k.spec };
  if (k.status) properties.status = k.status;
  const version = {
    name: k.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: { type: 'object', description: `Stash ${k.kind}, as Stashflow reads it.`, properties } },
  };
  if (k.status) version.subresources = { status: {} };
  version.additionalPrinterColumns = k.columns;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${k.group}`,
      labels: { 'app.kubernetes.io/part-of': 'stashflow' },
    },
    spec: { group: k.group, names, scope: k.scope, versions: [version] },
  };
}

const header =
  '# Generated by deploy/validate/gen-crds.mjs from ../shared/reference/stash-semantics.md §1; edit the generator, not this file.\n';
const files = new Map();
const all = [];
for (const k of kinds) {
  const text = stringify(crd(k), { lineWidth: 0, aliasDuplicateObjects: false });
  const name = `${k.group}_${plural(k.kind)}.yaml`;
  files.set(name, header + text);
  all.push(`# ${name}\n${text}`);
}
const combined = header + all.join('---\n');

const targets = [];
for (const [name, text] of files) {
  targets.push([join(deployDir, 'crds', name), text]);
  targets.push([join(deployDir, 'helm', 'stashflow', 'crds', name), text]);
}
targets.push([join(deployDir, 'crds', 'crds.yaml'), combined]);

const check = process.argv.includes('--check');
let stale = 0;
for (const [path, text] of targets) {
  if (check) {
    let current = null;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`stale: ${path} (run node deploy/validate/gen-crds.mjs)`);
      stale++;
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
if (check) {
  console.log(stale === 0 ? `${targets.length} CRD files up to date` : `${stale} CRD files stale`);
  process.exit(stale === 0 ? 0 : 1);
}
console.log(`wrote ${targets.length} files`);
