// The etcd server's requirements are added by hack/bootstrap.sh at
// ETCD_VERSION (hack/versions.env); this module keeps them out of the
// operator's go.mod, whose Kubernetes libraries use a newer etcd client.
module github.com/egov-vn/egov-operator/hack/tools/etcd

go 1.26
