{{/*
The Deployment of one component; call with (dict "root" $ "component" "planner" "args" (list "planner")).
Planner and reporter talk only to Kafka and the schema registry, so their pods get no service account token at all.
*/}}
{{- define "stashflow.deployment" -}}
{{- $values := .root.Values -}}
{{- $c := index $values.components .component -}}
{{- $needsApi := eq .component "agent" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "stashflow.componentName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "stashflow.labels" . | nindent 4 }}
spec:
  replicas: {{ $c.replicas }}
  {{- if $needsApi }}
  # never two agents at once: the old one must stop watching and creating pods before the new one starts
  strategy:
    type: Recreate
  {{- end }}
  selector:
    matchLabels:
      {{- include "stashflow.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "stashflow.selectorLabels" . | nindent 8 }}
        {{- with (default $values.podLabels $c.podLabels) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # restart the pods when their settings change
        checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
        {{- with (default $values.podAnnotations $c.podAnnotations) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "stashflow.serviceAccountName" . }}
      automountServiceAccountToken: {{ $needsApi }}
      enableServiceLinks: false
      securityContext:
        {{- toYaml (default $values.podSecurityContext $c.podSecurityContext) | nindent 8 }}
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default $values.priorityClassName $c.priorityClassName) }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- with (default $values.nodeSelector $c.nodeSelector) }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default $values.tolerations $c.tolerations) }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with (default $values.affinity $c.affinity) }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "stashflow.image" .root }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          envFrom:
            - configMapRef:
                name: {{ include "stashflow.componentName" . }}
          env:
            {{- include "stashflow.env" . | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $c.httpPort }}
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            {{- toYaml $values.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            {{- toYaml $values.probes.readiness | nindent 12 }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- toYaml (default $values.securityContext $c.securityContext) | nindent 12 }}
          volumeMounts:
            # the root filesystem is read-only; the JVM and restic's cache need a writable /tmp (HOME=/tmp in the image)
            - name: tmp
              mountPath: /tmp
            {{- if not $needsApi }}
            # Kafka Streams state; rebuilt from the changelog topics after a restart
            - name: state
              mountPath: /var/lib/stashflow
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- if not $needsApi }}
        - name: state
          emptyDir: {}
        {{- end }}
{{- end -}}
