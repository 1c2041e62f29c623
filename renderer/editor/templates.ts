// Starting points for "Create": the common kinds, filled with the cluster's test image.

export const templateKinds = ['Deployment', 'Pod', 'Service', 'ConfigMap', 'Secret', 'Job', 'CronJob', 'Namespace'] as const;
export type TemplateKind = (typeof templateKinds)[number];

/** A container that prints a line every second (what the log view shows first). */
const ticker = `["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"]`;

export function templateFor(kind: TemplateKind, o: { namespace: string; image: string; name?: string }): string {
  const ns = o.namespace || 'default';
  const image = o.image || 'busybox';
  switch (kind) {
    case 'Deployment': {
      const name = o.name ?? 'web';
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: ${image}
          imagePullPolicy: IfNotPresent
          command: ${ticker}
`;
    }
    case 'Pod': {
      const name = o.name ?? 'ticker';
      return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${name}
spec:
  containers:
    - name: ${name}
      image: ${image}
      imagePullPolicy: IfNotPresent
      command: ${ticker}
`;
    }
    case 'Service':
      return `apiVersion: v1
kind: Service
metadata:
  name: ${o.name ?? 'web'}
  namespace: ${ns}
spec:
  selector:
    app: ${o.name ?? 'web'}
  ports:
    - name: http
      port: 80
      targetPort: 8080
`;
    case 'ConfigMap':
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${o.name ?? 'settings'}
  namespace: ${ns}
data:
  greeting: hello
`;
    case 'Secret':
      return `apiVersion: v1
kind: Secret
metadata:
  name: ${o.name ?? 'credentials'}
  namespace: ${ns}
type: Opaque
stringData:
  password: change-me
`;
    case 'Job':
      return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${o.name ?? 'once'}
  namespace: ${ns}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: main
          image: ${image}
          imagePullPolicy: IfNotPresent
          command: ["sh", "-c", "echo hello from a job; sleep 5"]
`;
    case 'CronJob':
      return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${o.name ?? 'every-minute'}
  namespace: ${ns}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: main
              image: ${image}
              imagePullPolicy: IfNotPresent
              command: ["sh", "-c", "date; echo hello from a cron job"]
`;
    case 'Namespace':
      return `apiVersion: v1
kind: Namespace
metadata:
  name: ${o.name ?? 'sandbox'}
`;
  }
}

/** The template matching a list's kind, Deployment otherwise. */
export function defaultTemplate(kind: string | undefined): TemplateKind {
  return (templateKinds as readonly string[]).includes(kind ?? '') ? (kind as TemplateKind) : 'Deployment';
}

/** A bare skeleton for kinds without a template (CRDs and the rest). */
export function skeletonFor(apiVersion: string, kind: string, namespace: string | undefined): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: example${namespace ? `\n  namespace: ${namespace}` : ''}
spec: {}
`;
}
