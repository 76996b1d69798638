{{/* Names, labels and the decisions shared by the templates. */}}

{{- define "stashflow.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stashflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>"; call with (dict "root" $ "component" "planner") */}}
{{- define "stashflow.componentName" -}}
{{- printf "%s-%s" (include "stashflow.fullname" .root | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "stashflow.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{ include "stashflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: stashflow
stashflow.io/cluster: {{ .root.Values.clusterId | quote }}
{{- end -}}

{{- define "stashflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stashflow.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Whether a component runs in this release: an explicit components.<name>.enabled wins; otherwise cluster mode runs all
three, fleet mode runs planner and reporter where fleet.role=central and the agent where fleet.role=member.
Returns "true" or "".
*/}}
{{- define "stashflow.enabled" -}}
{{- $values := .root.Values -}}
{{- $flag := (index $values.components .component).enabled -}}
{{- if kindIs "bool" $flag -}}
{{- if $flag }}true{{ end -}}
{{- else if eq $values.mode "cluster" -}}
true
{{- else if eq $values.mode "fleet" -}}
{{- if eq .component "agent" -}}
{{- if eq $values.fleet.role "member" }}true{{ end -}}
{{- else -}}
{{- if eq $values.fleet.role "central" }}true{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "stashflow.serviceAccountName" -}}
{{- $sa := (index .root.Values.components .component).serviceAccount -}}
{{- if $sa.name -}}
{{- $sa.name -}}
{{- else if $sa.create -}}
{{- include "stashflow.componentName" . -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{- define "stashflow.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The namespaces that get the backup job's service account. */}}
{{- define "stashflow.backupJobNamespaces" -}}
{{- if .Values.backupJob.namespaces -}}
{{- toJson .Values.backupJob.namespaces -}}
{{- else -}}
{{- toJson (list .Release.Namespace) -}}
{{- end -}}
{{- end -}}

{{/* Checks that fail the render with a message instead of producing a release that cannot start. */}}
{{- define "stashflow.checks" -}}
{{- if not (has .Values.mode (list "cluster" "fleet")) -}}
{{- fail (printf "mode must be cluster or fleet, not %q" .Values.mode) -}}
{{- end -}}
{{- if and (eq .Values.mode "fleet") (not (has .Values.fleet.role (list "central" "member"))) -}}
{{- fail (printf "fleet.role must be central or member, not %q" .Values.fleet.role) -}}
{{- end -}}
{{- if not (regexMatch "^[A-Za-z0-9._-]+$" (toString .Values.clusterId)) -}}
{{- fail "clusterId may only contain letters, digits, '.', '_' and '-'" -}}
{{- end -}}
{{- if not .Values.kafka.bootstrapServers -}}
{{- fail "kafka.bootstrapServers is required" -}}
{{- end -}}
{{- if not (regexMatch "^https?://" .Values.schemaRegistry.url) -}}
{{- fail "schemaRegistry.url must be an http:// or https:// URL (without credentials: use schemaRegistry.basicAuth.secretName)" -}}
{{- end -}}
{{- if contains "@" .Values.schemaRegistry.url -}}
{{- fail "schemaRegistry.url must not carry credentials; put them in a Secret and set schemaRegistry.basicAuth.secretName" -}}
{{- end -}}
{{- if and (eq .Values.mode "fleet") (eq .Values.fleet.role "central") (include "stashflow.enabled" (dict "root" . "component" "planner")) (not .Values.fleet.clusters) -}}
{{- fail "fleet mode, central role: list the member clusters in fleet.clusters" -}}
{{- end -}}
{{- end -}}

{{/*
The container's environment: the schema registry credentials from their Secret, then the registry URL built from them
with Kubernetes' $(VAR) expansion (the service takes basic-auth credentials from the URL's user info), then the
global and the component's extra env.
*/}}
{{- define "stashflow.env" -}}
{{- $values := .root.Values -}}
{{- $auth := $values.schemaRegistry.basicAuth -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ $values.javaToolOptions | quote }}
{{- if $auth.secretName }}
- name: SCHEMA_REGISTRY_BASIC_AUTH_USER
  valueFrom:
    secretKeyRef:
      name: {{ $auth.secretName }}
      key: {{ $auth.usernameKey }}
- name: SCHEMA_REGISTRY_BASIC_AUTH_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $auth.secretName }}
      key: {{ $auth.passwordKey }}
- name: STASHFLOW_SCHEMA_REGISTRY_URL
  value: {{ regexReplaceAll "^(https?://)(.*)$" $values.schemaRegistry.url "${1}$(SCHEMA_REGISTRY_BASIC_AUTH_USER):$(SCHEMA_REGISTRY_BASIC_AUTH_PASSWORD)@${2}" | quote }}
{{- end }}
{{- with $values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with (index $values.components .component).extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
