package fleet

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/egov-vn/egov-operator/internal/render"
)

// FieldOwner is the field manager the demo and the tests apply as, as
// central ops' GitOps tool would.
const FieldOwner = "egov-fleet"

// Apply applies objects with server-side apply, in order.
func Apply(ctx context.Context, c client.Client, objs ...client.Object) error {
	for _, obj := range objs {
		u, err := render.Unstructured(obj)
		if err != nil {
			return err
		}
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldOwner), client.ForceOwnership); err != nil {
			return fmt.Errorf("apply %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}
