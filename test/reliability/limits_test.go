//go:build reliability

package reliability

import (
	"fmt"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/fleet"
	"github.com/egov-vn/egov-operator/internal/provinces"
)

const (
	// maxStackName is the longest name the API takes for a stack.
	maxStackName = 40
	// maxAgencies and maxUnits are the longest lists of agencies and units.
	maxAgencies, maxUnits = 500, 512
	// maxDisplayName is the longest agency or unit name, in characters.
	maxDisplayName = 256
	// idleWindow is how long the operator is watched for writes once the
	// inputs settled; maxIdleWrites is what it may write meanwhile (a late
	// status or a certificate's renewal schedule), far below a hot loop's.
	idleWindow    = 30 * time.Second
	maxIdleWrites = 30
)

// unicodeName is a Vietnamese name of exactly n characters, with an emoji
// and combining marks: what a display name may hold.
func unicodeName(n int, i int) string {
	runes := []rune(strings.Repeat(fmt.Sprintf("Ủy ban nhân dân xã Ea H'leo %d 🇻🇳 Đắk Lắk ", i), n))
	return string(runes[:n])
}

// settled waits until obj's Ready condition speaks of its current
// generation and the operator is no longer working on it (Reconciling is
// not True), and says whether it is Ready; a False one must say why.
func settled(t *testing.T, obj interface {
	client.Object
	StatusCommon() *platformv1alpha1.CommonStatus
}) bool {
	t.Helper()
	var ready *metav1.Condition
	eventually(t, convergeTimeout(), fmt.Sprintf("%T %s settled", obj, obj.GetName()), func() error {
		if err := k8s.Get(ctx(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		ready = meta.FindStatusCondition(obj.StatusCommon().Conditions, platformv1alpha1.ConditionReady)
		if ready == nil || ready.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("Ready %+v at generation %d", ready, obj.GetGeneration())
		}
		if meta.IsStatusConditionTrue(obj.StatusCommon().Conditions, platformv1alpha1.ConditionReconciling) {
			return fmt.Errorf("still reconciling: %+v", ready)
		}
		if ready.Status != metav1.ConditionTrue && (ready.Reason == "" || ready.Message == "") {
			return fmt.Errorf("not Ready, without saying why: %+v", ready)
		}
		return nil
	})
	if ready.Status != metav1.ConditionTrue {
		t.Logf("%T %s is refused by the operator: %s: %s", obj, obj.GetName(), ready.Reason, ready.Message)
	}
	return ready.Status == metav1.ConditionTrue
}

// operatorWrites counts what the operator writes: server-side applies of
// its children and merge patches of its kinds' status.
func operatorWrites(t *testing.T) int {
	return apiRequests(t, `verb="APPLY"`) + apiRequests(t, `group="platform.egov.vn"`, `verb="PATCH"`)
}

// Inputs at the API's limits: a name one character too long is refused
// with a message saying the limit; the longest name, the longest lists of
// agencies and units, names of the longest length in Vietnamese with
// emoji, are served (or refused by the operator with a reason), never with
// a crash of the manager or a hot loop.
func TestInputsAtTheirLimitsAreServedOrRefusedClearly(t *testing.T) {
	codes := served(t)
	u, _ := provinces.Lookup(codes[0])
	manager := running(t, "operator")
	var node *platformv1alpha1.DocExchangeNode
	var shop *platformv1alpha1.OneStopShop
	for _, obj := range fleet.Province(u) {
		switch o := obj.(type) {
		case *platformv1alpha1.DocExchangeNode:
			node = o
		case *platformv1alpha1.OneStopShop:
			shop = o
		}
	}
	t.Cleanup(func() {
		if err := fleet.Apply(ctx(), k8s, shop); err != nil {
			t.Error(err)
		}
	})

	long := node.DeepCopy()
	long.Name = "n" + strings.Repeat("x", maxStackName)
	err := fleet.Apply(ctx(), k8s, long)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "at most 40 characters") {
		t.Errorf("a DocExchangeNode named with %d characters: %v, want refused saying the limit", len(long.Name), err)
	}

	longest := node.DeepCopy()
	longest.Name = "n" + strings.Repeat("x", maxStackName-1)
	longest.Spec.Agencies = []platformv1alpha1.Agency{{OrganID: node.Spec.OrganID, Name: unicodeName(maxDisplayName, 0)}}
	// Agencies sit under the province's own identifier: its level-1 part.
	level1 := string(node.Spec.OrganID[strings.LastIndex(string(node.Spec.OrganID), ".")+1:])
	for i := 1; len(longest.Spec.Agencies) < maxAgencies; i++ {
		id := platformv1alpha1.OrganID(fmt.Sprintf("000.%02d.%02d.%s", i/100, i%100, level1))
		longest.Spec.Agencies = append(longest.Spec.Agencies, platformv1alpha1.Agency{OrganID: id, Name: unicodeName(maxDisplayName, i)})
	}
	t.Cleanup(func() {
		if err := k8s.Delete(ctx(), longest); client.IgnoreNotFound(err) != nil {
			t.Error(err)
		}
	})
	wide := shop.DeepCopy()
	wide.Spec.Units = nil
	for i := range maxUnits {
		code := fmt.Sprintf("%03d-%s", i, strings.Repeat("u", 60))
		wide.Spec.Units = append(wide.Spec.Units, platformv1alpha1.ReceivingUnit{Code: code, Name: unicodeName(maxDisplayName, i), PostalCustomerCode: strings.Repeat("p", 32)})
	}
	for _, obj := range []interface {
		client.Object
		StatusCommon() *platformv1alpha1.CommonStatus
	}{longest, wide} {
		if err := fleet.Apply(ctx(), k8s, obj); err != nil {
			if !apierrors.IsInvalid(err) {
				t.Errorf("%T %s refused without a field's message: %v", obj, obj.GetName(), err)
			}
			t.Logf("%T %s refused: %v", obj, obj.GetName(), err)
			continue
		}
		settled(t, obj)
	}

	writes := operatorWrites(t)
	time.Sleep(idleWindow)
	if writes = operatorWrites(t) - writes; writes > maxIdleWrites {
		t.Errorf("the operator wrote %d times in %s with nothing changing: a hot loop", writes, idleWindow)
	}
	t.Logf("the operator wrote %d times in %s once the inputs settled", writes, idleWindow)
	if now := running(t, "operator"); now.pid != manager.pid {
		t.Errorf("the manager was restarted: pid %d, then %d", manager.pid, now.pid)
	}
	managerDidNotPanic(t)
}
