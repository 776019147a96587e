// Command etcd runs the etcd server built from go.etcd.io/etcd/server/v3 at the
// version pinned in go.mod, so the test control plane needs no binary download.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
