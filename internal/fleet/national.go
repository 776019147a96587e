package fleet

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// ApplyNational sets up what central ops set up before any province: the
// national CA chain (waiting until its ClusterIssuer is ready), then the
// sample PlatformRelease and NationalPlatform from the samples directory,
// with publicTLS Optional: a local cluster is a closed network with no
// public CA, so production hosts keep the provincial SubCA's certificates.
func ApplyNational(ctx context.Context, c client.Client, samples string) error {
	if err := Apply(ctx, c, NationalCA()...); err != nil {
		return err
	}
	if err := wait.PollUntilContextTimeout(ctx, time.Second, time.Minute, true, func(ctx context.Context) (bool, error) {
		return issuerReady(ctx, c, CAIssuer)
	}); err != nil {
		return fmt.Errorf("the national CA did not become ready: %w", err)
	}
	for _, name := range []string{"platform_v1alpha1_platformrelease.yaml", "platform_v1alpha1_nationalplatform.yaml"} {
		objs, err := ReadManifests(filepath.Join(samples, name))
		if err != nil {
			return err
		}
		for _, o := range objs {
			if o.GetKind() == "NationalPlatform" {
				if err := unstructured.SetNestedField(o.Object, string(platformv1alpha1.PublicTLSOptional), "spec", "trust", "publicTLS"); err != nil {
					return err
				}
			}
			if err := Apply(ctx, c, o); err != nil {
				return err
			}
		}
	}
	return nil
}

func issuerReady(ctx context.Context, c client.Client, name string) (bool, error) {
	ci := &cmapi.ClusterIssuer{}
	if err := c.Get(ctx, types.NamespacedName{Name: name}, ci); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	for _, cond := range ci.Status.Conditions {
		if cond.Type == cmapi.IssuerConditionReady && cond.Status == cmmeta.ConditionTrue {
			return true, nil
		}
	}
	return false, nil
}
