package v1alpha1

import (
	"context"
	"fmt"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/egov-vn/egov-operator/internal/testenv"
)

// While the webhook server is down a portal can still be deleted, finalizer
// removal included (the operator's own last write), and no new portal can be
// created, so no duplicate slips in.
func TestDeleteWorksWhileWebhookServerIsDown(t *testing.T) {
	ctx := context.Background()
	p := portal(namespace(t, "46"), "46")
	controllerutil.AddFinalizer(p, "platform.egov.vn/test-hold")
	createSeen(t, p)

	options := webhooks.options
	webhooks.stop()
	t.Cleanup(func() {
		var err error
		if webhooks, err = startWebhooks(options); err != nil {
			t.Fatalf("restart the webhook server: %v", err)
		}
	})

	if err := k8s.Create(ctx, portal(namespace(t, "48"), "48")); err == nil {
		t.Error("a portal was created while the webhook server was down: the duplicate check must fail closed")
	}
	if err := k8s.Delete(ctx, p); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(p), p); err != nil {
		t.Fatal(err)
	}
	controllerutil.RemoveFinalizer(p, "platform.egov.vn/test-hold")
	if err := k8s.Update(ctx, p); err != nil {
		t.Fatalf("remove the finalizer: %v", err)
	}
	testenv.Eventually(t, waitFor, "portal gone", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(p), p); !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (%v)", err)
		}
		return nil
	})
}
