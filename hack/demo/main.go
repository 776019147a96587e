// Command demo sets up a whole fleet on a cluster where the operator runs:
// the national root CA and CA ClusterIssuer, the sample NationalPlatform and
// PlatformRelease, and all 34 provinces; then it shows progress until every
// province is Ready (or says which are not, and why) and prints the fleet.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
	"github.com/egov-vn/egov-operator/internal/scheme"
)

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster")
	samples := flag.String("samples", "config/samples", "directory of the national samples")
	timeout := flag.Duration("timeout", 10*time.Minute, "how long to wait for every province")
	// The reliability suite sets up the national objects alone and creates
	// its provinces itself, to disturb the operator while they converge.
	withProvinces := flag.Bool("provinces", true, "apply the 34 provinces and wait for them; false stops after the national objects")
	flag.Parse()
	ctrllog.SetLogger(logr.Discard())
	if err := run(*kubeconfig, *samples, *timeout, *withProvinces); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, samples string, timeout time.Duration, withProvinces bool) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 200, 400
	c, err := client.New(cfg, client.Options{Scheme: scheme.New()})
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()

	step("creating the national root CA and the ClusterIssuer %s, then the NationalPlatform and the PlatformRelease from %s (publicTLS: Optional, as on a closed network)", fleet.CAIssuer, samples)
	if err := fleet.ApplyNational(ctx, c, samples); err != nil {
		return err
	}
	if !withProvinces {
		return nil
	}
	step("applying all 34 provinces (namespace, Secrets, ProvincePortal, OneStopShop, DocExchangeNode)")
	for _, u := range provinces.All() {
		if err := fleet.Apply(ctx, c, fleet.Province(u)...); err != nil {
			return err
		}
	}

	step("waiting for every province to be Ready")
	var rows []row
	err = waitFor(ctx, timeout, func() (bool, error) {
		var err error
		if rows, err = observe(ctx, c); err != nil {
			return false, err
		}
		portals, shops, nodes := count(rows)
		fmt.Printf("  %5.0fs  portals %2d/34  one-stop-shops %2d/34  exchange nodes %2d/34\n", time.Since(start).Seconds(), portals, shops, nodes)
		return portals == 34 && shops == 34 && nodes == 34, nil
	})
	printFleet(rows)
	elapsed := time.Since(start).Round(time.Second)
	if err != nil {
		return fmt.Errorf("not every province is Ready after %s (see the NOT READY lines above)", elapsed)
	}
	fmt.Printf("\nAll 34 provinces are Ready in %s.\nExplore: export KUBECONFIG=%s; kubectl get egov -A\n", elapsed, kubeconfig)
	return nil
}

func step(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func waitFor(ctx context.Context, timeout time.Duration, done func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s", timeout)
		}
		time.Sleep(3 * time.Second)
	}
}

// row is one province's line in the fleet table.
type row struct {
	code, name, release, url string
	portal, shop, node       string
}

func readiness(obj interface {
	StatusCommon() *platformv1alpha1.CommonStatus
}) string {
	c := meta.FindStatusCondition(obj.StatusCommon().Conditions, platformv1alpha1.ConditionReady)
	switch {
	case c == nil:
		return "pending"
	case c.Status == "True":
		return "Ready"
	}
	return c.Reason + ": " + c.Message
}

func observe(ctx context.Context, c client.Client) ([]row, error) {
	portals, shops, nodes := &platformv1alpha1.ProvincePortalList{}, &platformv1alpha1.OneStopShopList{}, &platformv1alpha1.DocExchangeNodeList{}
	for _, l := range []client.ObjectList{portals, shops, nodes} {
		if err := c.List(ctx, l); err != nil {
			return nil, err
		}
	}
	byNamespace := map[string]*row{}
	for _, u := range provinces.All() {
		byNamespace[fleet.Namespace(u)] = &row{code: u.Code, name: u.FullName(), portal: "pending", shop: "pending", node: "pending"}
	}
	for i := range portals.Items {
		if r := byNamespace[portals.Items[i].Namespace]; r != nil {
			r.portal, r.release, r.url = readiness(&portals.Items[i]), portals.Items[i].Status.Release, render.PortalURL(&portals.Items[i])
		}
	}
	for i := range shops.Items {
		if r := byNamespace[shops.Items[i].Namespace]; r != nil {
			r.shop = readiness(&shops.Items[i])
		}
	}
	for i := range nodes.Items {
		if r := byNamespace[nodes.Items[i].Namespace]; r != nil {
			r.node = readiness(&nodes.Items[i])
		}
	}
	rows := make([]row, 0, len(byNamespace))
	for _, r := range byNamespace {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].code < rows[j].code })
	return rows, nil
}

func count(rows []row) (portals, shops, nodes int) {
	for _, r := range rows {
		portals += b2i(r.portal == "Ready")
		shops += b2i(r.shop == "Ready")
		nodes += b2i(r.node == "Ready")
	}
	return portals, shops, nodes
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func printFleet(rows []row) {
	fmt.Println()
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CODE\tPROVINCE\tRELEASE\tPORTAL\tONE-STOP-SHOP\tEXCHANGE NODE\tURL")
	var notReady []string
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.code, r.name, r.release, short(r.portal), short(r.shop), short(r.node), r.url)
		for what, s := range map[string]string{"ProvincePortal": r.portal, "OneStopShop": r.shop, "DocExchangeNode": r.node} {
			if s != "Ready" {
				notReady = append(notReady, fmt.Sprintf("NOT READY %s %s: %s", r.code, what, s))
			}
		}
	}
	w.Flush()
	sort.Strings(notReady)
	for _, l := range notReady {
		fmt.Println(l)
	}
}

// short keeps a table cell to the reason of a condition.
func short(s string) string {
	reason, _, _ := strings.Cut(s, ":")
	return reason
}
