package main

import "text/template"

// templates are the GitOps objects for provinces. Central ops' repository
// holds each province's manifests under provinces/<code>-<slug>/; the
// province's namespace, its label and its RoleBindings are central ops' own
// and live elsewhere, so nothing a province's manifests say reaches beyond
// its namespace.
var templates = template.Must(template.New("").Parse(`
{{- define "applicationSet" -}}
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: provinces
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
{{- range .}}
          - {code: "{{.Code}}", slug: {{.Slug}}, namespace: {{.Namespace}}, region: {{.Region}}}
{{- end}}
  template:
    metadata:
      name: province-{{"{{.code}}"}}-{{"{{.slug}}"}}
      labels:
        platform.egov.vn/province: "{{"{{.code}}"}}"
        platform.egov.vn/region: "{{"{{.region}}"}}"
    spec:
      # Each province's project confines its Application to its namespace.
      project: province-{{"{{.code}}"}}
      source:
        repoURL: https://git.example.gov.vn/egov/fleet.git
        targetRevision: main
        path: provinces/{{"{{.code}}"}}-{{"{{.slug}}"}}
      destination:
        server: https://kubernetes.default.svc
        namespace: "{{"{{.namespace}}"}}"
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
{{end}}

{{- define "appProject" -}}
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: province-{{.Code}}
  namespace: argocd
spec:
  description: {{.FullName}} ({{.Code}}), only in its namespace {{.Namespace}}
  sourceRepos:
    - https://git.example.gov.vn/egov/fleet.git
  destinations:
    - server: https://kubernetes.default.svc
      namespace: {{.Namespace}}
  # No cluster-scoped object, and only what a province's administrator may write.
  clusterResourceWhitelist: []
  namespaceResourceWhitelist:
    - {group: platform.egov.vn, kind: ProvincePortal}
    - {group: platform.egov.vn, kind: OneStopShop}
    - {group: platform.egov.vn, kind: DocExchangeNode}
    - {group: platform.egov.vn, kind: IntegrationPlatform}
    - {group: "", kind: Secret}
    - {group: "", kind: ConfigMap}
{{end}}

{{- define "fluxKustomization" -}}
# {{.FullName}} ({{.Code}}): applied as the namespace's gitops ServiceAccount,
# bound by central ops to ClusterRole egov-province-admin in {{.Namespace}} only.
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: province-{{.Code}}
  namespace: {{.Namespace}}
spec:
  interval: 10m
  sourceRef:
    kind: GitRepository
    name: fleet
    namespace: flux-system
  path: ./provinces/{{.Code}}-{{.Slug}}
  prune: true
  targetNamespace: {{.Namespace}}
  serviceAccountName: gitops
  dependsOn:
    - name: platform
      namespace: flux-system
  timeout: 20m
  healthChecks:
    - apiVersion: platform.egov.vn/v1alpha1
      kind: ProvincePortal
      name: {{.Slug}}
      namespace: {{.Namespace}}
    - apiVersion: platform.egov.vn/v1alpha1
      kind: OneStopShop
      name: {{.Slug}}
      namespace: {{.Namespace}}
    - apiVersion: platform.egov.vn/v1alpha1
      kind: DocExchangeNode
      name: {{.Slug}}
      namespace: {{.Namespace}}
{{end}}
`))
