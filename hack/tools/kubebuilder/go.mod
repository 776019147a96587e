// The kubebuilder CLI as a Go tool: hack/bootstrap.sh adds it at
// KUBEBUILDER_VERSION (hack/versions.env) and installs it into bin/.
module egov-operator-kubebuilder

go 1.26
