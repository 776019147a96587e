// The cert-manager controllers' requirements are added by hack/bootstrap.sh
// (cert-manager's version comes from the operator's go.mod); this module keeps
// cert-manager's controller dependencies out of the operator's go.mod.
module github.com/egov-vn/egov-operator/hack/tools/certmanager

go 1.26
