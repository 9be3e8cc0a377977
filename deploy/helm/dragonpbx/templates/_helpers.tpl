{{/* Names, labels and the environment shared by the templates. */}}

{{- define "dragonpbx.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "dragonpbx.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "dragonpbx.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "dragonpbx.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; pass (dict "root" $ "component" "registrar"). */}}
{{- define "dragonpbx.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: dragonpbx
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "dragonpbx.selectorLabels" . }}
{{- end -}}

{{- define "dragonpbx.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dragonpbx.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* image reference; pass (dict "root" $ "image" .image) */}}
{{- define "dragonpbx.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- $repo := .image.repository -}}
{{- if .root.Values.image.registry -}}{{- $repo = printf "%s/%s" .root.Values.image.registry $repo -}}{{- end -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{- define "dragonpbx.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "dragonpbx.fullname" .)) -}}
{{- end -}}

{{- define "dragonpbx.configMapName" -}}
{{- .Values.config.existingConfigMap | default (printf "%s-config" (include "dragonpbx.fullname" .)) -}}
{{- end -}}

{{- define "dragonpbx.redisUrl" -}}
{{- if .Values.redis.enabled -}}
{{- printf "redis://%s-redis-master:6379" .Release.Name -}}
{{- else -}}
{{- .Values.externalRedis.url -}}
{{- end -}}
{{- end -}}

{{- define "dragonpbx.natsUrl" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s-nats:4222" .Release.Name -}}
{{- else -}}
{{- .Values.externalNats.url -}}
{{- end -}}
{{- end -}}

{{- define "dragonpbx.sipEdgeHost" -}}
{{- printf "%s-sip-edge" (include "dragonpbx.fullname" .) -}}
{{- end -}}

{{/* A variable from the release Secret; pass (dict "root" $ "name" "X" "key" "k" "optional" true) */}}
{{- define "dragonpbx.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "dragonpbx.secretName" .root }}
      key: {{ .key }}
      optional: {{ .optional }}
{{- end -}}

{{/* Variables every service reads (libs/shared BASE_ENV); pass (dict "root" $ "svc" $svc "name" "registrar") */}}
{{- define "dragonpbx.baseEnv" -}}
{{- $root := .root -}}
- name: LOGLEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: METRICS_PORT
  value: {{ .svc.port | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ .svc.shutdownTimeoutMs | quote }}
- name: REDIS_URL
  value: {{ include "dragonpbx.redisUrl" $root | quote }}
- name: NATS_URL
  value: {{ include "dragonpbx.natsUrl" $root | quote }}
{{- with $root.Values.redisKeyPrefix }}
{{- if eq $.name "hook-dispatcher" }}
{{- /* The hook-dispatcher keeps its keys under HOOK_KEY_PREFIX (default dragon:hooks). */}}
- name: HOOK_KEY_PREFIX
  value: {{ printf "%sdragon:hooks" . | quote }}
{{- else }}
- name: REDIS_KEY_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $root.Values.natsSubjectPrefix }}
- name: NATS_SUBJECT_PREFIX
  value: {{ . | quote }}
{{- if eq $.name "hook-dispatcher" }}
{{- /* Stream names are global in a NATS account: one per prefix, or two releases sharing
     NATS would both claim DRAGON_STATUS with different subjects. */}}
- name: HOOK_STREAM
  value: {{ printf "DRAGON_STATUS_%s" (. | upper | replace "." "_" | replace "-" "_") | quote }}
{{- end }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ .name | quote }}
{{- with $root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* SIP edge connection (drachtio application protocol) */}}
{{- define "dragonpbx.sipEnv" -}}
- name: DRACHTIO_HOST
  value: {{ include "dragonpbx.sipEdgeHost" . | quote }}
- name: DRACHTIO_PORT
  value: {{ .Values.sipEdge.adminPort | quote }}
{{ include "dragonpbx.secretEnv" (dict "root" . "name" "DRACHTIO_SECRET" "key" "drachtio-secret" "optional" false) }}
{{- end -}}

{{/* Config backend (DATA_SOURCE and its variables) */}}
{{- define "dragonpbx.configEnv" -}}
- name: DATA_SOURCE
  value: {{ .Values.config.dataSource | quote }}
{{- if eq .Values.config.dataSource "json" }}
- name: CONFIG_FILE
  value: /etc/dragonpbx/config.json
{{- else if eq .Values.config.dataSource "api" }}
- name: CONFIG_URL
  value: {{ required "config.url is required when config.dataSource is api" .Values.config.url | quote }}
- name: CONFIG_TTL
  value: {{ .Values.config.ttlSeconds | quote }}
{{ include "dragonpbx.secretEnv" (dict "root" . "name" "CONFIG_TOKEN" "key" "config-token" "optional" true) }}
{{- else if eq .Values.config.dataSource "pg" }}
- name: DB_HOST
  value: {{ required "config.db.host is required when config.dataSource is pg" .Values.config.db.host | quote }}
- name: DB_PORT
  value: {{ .Values.config.db.port | quote }}
- name: DB_USER
  value: {{ .Values.config.db.user | quote }}
- name: DB_NAME
  value: {{ .Values.config.db.name | quote }}
{{ include "dragonpbx.secretEnv" (dict "root" . "name" "DB_PASSWORD" "key" "db-password" "optional" true) }}
{{- end }}
{{ include "dragonpbx.secretEnv" (dict "root" . "name" "HOOK_SIGNING_SECRET" "key" "hook-signing-secret" "optional" true) }}
{{- end -}}

{{/* Extra variables of one service (values <svc>.env, NAME: value) */}}
{{- define "dragonpbx.extraEnv" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* The services: values key -> component name. Every per-service template ranges over it. */}}
{{- define "dragonpbx.serviceNames" -}}
registrar: registrar
callRouter: call-router
mediaController: media-controller
hookDispatcher: hook-dispatcher
hooksApp: hooks-app
{{- end -}}

{{/* The environment of one service: the variables its README "Configuration" table lists.
     pass (dict "root" $ "svc" $svc "name" "call-router") */}}
{{- define "dragonpbx.serviceEnv" -}}
{{- $root := .root -}}
{{- if eq .name "hooks-app" }}
- name: HOOKS_HOST
  value: "0.0.0.0"
- name: HOOKS_PORT
  value: {{ .svc.port | quote }}
- name: HOOKS_PUBLIC_URL
  value: {{ printf "http://%s-hooks-app:%v" (include "dragonpbx.fullname" $root) .svc.port | quote }}
{{- else }}
{{ include "dragonpbx.baseEnv" . }}
{{- if or (eq .name "registrar") (eq .name "call-router") }}
{{ include "dragonpbx.sipEnv" $root }}
{{ include "dragonpbx.configEnv" $root }}
{{- end }}
{{- if eq .name "registrar" }}
{{ include "dragonpbx.secretEnv" (dict "root" $root "name" "REGISTRAR_NONCE_SECRET" "key" "nonce-secret" "optional" false) }}
{{- end }}
{{- if eq .name "call-router" }}
{{ include "dragonpbx.secretEnv" (dict "root" $root "name" "CALL_ROUTER_NONCE_SECRET" "key" "nonce-secret" "optional" false) }}
- name: CALL_DRAIN_TIMEOUT_MS
  value: {{ .svc.callDrainTimeoutMs | quote }}
- name: MEDIA_PATH
  value: {{ $root.Values.media.path | quote }}
- name: WEBPORT
  value: {{ .svc.apiPort | quote }}
- name: API_HOST
  value: "0.0.0.0"
{{ include "dragonpbx.secretEnv" (dict "root" $root "name" "API_TOKEN" "key" "api-token" "optional" true) }}
{{- end }}
{{- if eq .name "media-controller" }}
- name: RTPENGINE_HOSTS
  value: {{ .svc.rtpengineHosts | default (printf "%s-rtpengine:%v" (include "dragonpbx.fullname" $root) $root.Values.rtpengine.ngPort) | quote }}
{{- end }}
{{- if eq .name "hook-dispatcher" }}
{{ include "dragonpbx.secretEnv" (dict "root" $root "name" "HOOK_SIGNING_SECRET" "key" "hook-signing-secret" "optional" true) }}
{{ include "dragonpbx.secretEnv" (dict "root" $root "name" "API_TOKEN" "key" "api-token" "optional" true) }}
{{- end }}
{{- end }}
{{- include "dragonpbx.extraEnv" .svc.env }}
{{- end -}}
