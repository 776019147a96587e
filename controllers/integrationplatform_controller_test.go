package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// integrationPlatform creates an IntegrationPlatform following p whose
// connector lets systems query the population database, with its NDXP
// credentials unless withCredentials is false.
func integrationPlatform(t *testing.T, p *platformv1alpha1.ProvincePortal, withCredentials bool, systems ...string) *platformv1alpha1.IntegrationPlatform {
	t.Helper()
	if withCredentials {
		create(t, ndxpCredentials(p.Namespace))
	}
	i := &platformv1alpha1.IntegrationPlatform{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		Spec: platformv1alpha1.IntegrationPlatformSpec{
			PortalRef:                platformv1alpha1.LocalObjectReference{Name: p.Name},
			Connectors:               []platformv1alpha1.Connector{{Name: "population", Service: platformv1alpha1.ServicePopulation}},
			NDXPCredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "ndxp-credentials"},
		},
	}
	for _, s := range systems {
		i.Spec.Connectors[0].Systems = append(i.Spec.Connectors[0].Systems, platformv1alpha1.ConnectorSystem{Name: s})
	}
	create(t, i)
	return i
}

func ndxpCredentials(namespace string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ndxp-credentials", Namespace: namespace},
		StringData: map[string]string{"clientID": "lgsp", "clientSecret": "secret"}}
}

// ndxpPath describes how the portal and the one-stop-shop's worker reach
// NDXP as their live objects say: where the interconnect ConfigMap points,
// which of them mount the NDXP credentials, which policies reach the gateway.
func ndxpPath(p *platformv1alpha1.ProvincePortal, shop *platformv1alpha1.OneStopShop) (string, error) {
	ctx := context.Background()
	cm := &corev1.ConfigMap{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: render.PortalOwner(p).Name(render.RoleInterconnect)}, cm); err != nil {
		return "", err
	}
	path := []string{"url=" + cm.Data[render.DataExchangeGatewayKey]}
	shopOwner := render.OneStopShopOwner(shop, p)
	for _, name := range []string{render.PortalOwner(p).Name(render.RolePortal), shopOwner.Name(render.RoleMotcuaWorker)} {
		d := &appsv1.Deployment{}
		if err := k8s.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: name}, d); err != nil {
			return "", err
		}
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Secret != nil && v.Secret.SecretName == "national-credentials" {
				path = append(path, name+" mounts credentials")
			}
		}
		np := &networkingv1.NetworkPolicy{}
		if err := k8s.Get(ctx, types.NamespacedName{Namespace: p.Namespace, Name: name}, np); err != nil {
			return "", err
		}
		for _, rule := range np.Spec.Egress {
			for _, peer := range rule.To {
				if peer.PodSelector != nil && peer.PodSelector.MatchLabels[render.LabelName] == render.RoleLGSPGateway {
					path = append(path, name+" reaches the gateway")
				}
			}
		}
	}
	return strings.Join(path, "; "), nil
}

func TestIntegrationPlatformMovesThePortalAndOneStopShopOffDirectNDXP(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "44"))
	shop := oneStopShop(t, p, true)
	waitObjectReady(t, shop)
	portalName, workerName := p.Name+"-portal", shop.Name+"-motcua-worker"
	direct := fmt.Sprintf("url=https://api.ndxp.gov.vn; %s mounts credentials; %s mounts credentials", portalName, workerName)
	if got, err := ndxpPath(p, shop); err != nil || got != direct {
		t.Fatalf("without an IntegrationPlatform: %q (%v), want %q", got, err, direct)
	}

	// Each switch rolls each system's workloads once: one new generation.
	switched := []*appsv1.Deployment{
		named(&appsv1.Deployment{}, portalName), named(&appsv1.Deployment{}, workerName),
	}
	generations := func() []int64 {
		t.Helper()
		var out []int64
		for _, d := range switched {
			d.Namespace = p.Namespace
			if err := exists(d); err != nil {
				t.Fatal(err)
			}
			out = append(out, d.Generation)
		}
		return out
	}
	rolledOnce := func(before []int64, what string) {
		t.Helper()
		for i, g := range generations() {
			if g != before[i]+1 {
				t.Errorf("%s: Deployment %s went from generation %d to %d, want one roll", what, switched[i].Name, before[i], g)
			}
		}
	}
	beforeSwitch := generations()

	platform := integrationPlatform(t, p, true, platformv1alpha1.SystemPortal, platformv1alpha1.SystemOneStopShop)
	waitObjectReady(t, platform)
	gateway := fmt.Sprintf("url=http://%s-lgsp-gateway.%s.svc; %s reaches the gateway; %s reaches the gateway", platform.Name, p.Namespace, portalName, workerName)
	eventually(t, "the portal and the one-stop-shop reach NDXP through the gateway", func() error {
		_ = playControllers(p.Namespace)
		if got, err := ndxpPath(p, shop); err != nil || got != gateway {
			return fmt.Errorf("%q (%v)", got, err)
		}
		return nil
	})
	if c := condOf(platform, platformv1alpha1.ConditionConnectorsConfigured); c == nil || c.Message != "population (population): portal, oneStopShop" {
		t.Errorf("ConnectorsConfigured: %+v", c)
	}
	waitReady(t, p)
	waitObjectReady(t, shop)
	rolledOnce(beforeSwitch, "onto the gateway")
	beforeSwitch = generations()

	if err := k8s.Delete(context.Background(), platform); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the platform gone once the systems switched back", func() error {
		_ = playControllers(p.Namespace)
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(platform), &platformv1alpha1.IntegrationPlatform{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%v)", err)
	})
	// The gateway served until the systems had switched back.
	if got, err := ndxpPath(p, shop); err != nil || !strings.HasPrefix(got, direct) {
		t.Errorf("when the IntegrationPlatform went: %q (%v), want %q", got, err, direct)
	}
	eventually(t, "the direct path restored", func() error {
		if got, err := ndxpPath(p, shop); err != nil || got != direct {
			return fmt.Errorf("%q (%v)", got, err)
		}
		return nil
	})
	waitReady(t, p)
	waitObjectReady(t, shop)
	rolledOnce(beforeSwitch, "back to the direct path")
	collectGarbage(t, platform)
}

func TestIntegrationPlatformStalledWithoutCredentialsThenRecovers(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "52"))
	platform := integrationPlatform(t, p, false, platformv1alpha1.SystemPortal)
	stalled := waitObjectStalled(t, platform, platformv1alpha1.ReasonSecretNotFound)
	if !strings.Contains(stalled.Message, `"ndxp-credentials"`) {
		t.Errorf("the message does not name the Secret: %s", stalled.Message)
	}
	if c := condOf(platform, platformv1alpha1.ConditionCredentialsValid); c == nil || c.Status != metav1.ConditionFalse {
		t.Errorf("CredentialsValid: %+v", c)
	}
	incomplete := ndxpCredentials(p.Namespace)
	delete(incomplete.StringData, "clientSecret")
	create(t, incomplete)
	waitObjectStalled(t, platform, platformv1alpha1.ReasonSecretKeyMissing)
	change(t, incomplete, func() { incomplete.StringData = map[string]string{"clientSecret": "secret"} })
	waitObjectReady(t, platform)
	if c := condOf(platform, platformv1alpha1.ConditionCredentialsValid); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("CredentialsValid: %+v", c)
	}
	deleteIntegrationPlatform(t, platform)
}

// A connector naming a system the namespace lacks is Stalled, naming it,
// and recovers when the system arrives.
func TestIntegrationPlatformStalledOnAMissingSystem(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "80"))
	platform := integrationPlatform(t, p, true, platformv1alpha1.SystemOneStopShop)
	stalled := waitObjectStalled(t, platform, platformv1alpha1.ReasonSystemNotFound)
	if !strings.Contains(stalled.Message, "oneStopShop") || !strings.Contains(stalled.Message, "no OneStopShop") {
		t.Errorf("the message does not name the system: %s", stalled.Message)
	}
	waitObjectReady(t, oneStopShop(t, p, true))
	waitObjectReady(t, platform)
	deleteIntegrationPlatform(t, platform)
}

// A release without an integration component stalls the platform alone.
func TestIntegrationPlatformStalledWhenTheReleaseHasNoGateway(t *testing.T) {
	ensureNational(t)
	release := platformRelease("egov-2026.10-no-lgsp", "5e6d4f6ce3fb8e4fce2e2b3b5d9d5cc0e9b2f9f4d8b2c6cae4a0fa7b2d3e4f52")
	release.Spec.Components = slices.DeleteFunc(release.Spec.Components, func(c platformv1alpha1.Component) bool {
		return c.Name == platformv1alpha1.ComponentIntegration
	})
	create(t, release)
	p := waitReady(t, province(t, "91", func(p *platformv1alpha1.ProvincePortal) {
		p.Spec.Release = platformv1alpha1.ReleaseName(release.Name)
	}))
	platform := integrationPlatform(t, p, true, platformv1alpha1.SystemPortal)
	waitObjectStalled(t, platform, platformv1alpha1.ReasonComponentMissing)
	waitReady(t, p)
	deleteIntegrationPlatform(t, platform)
}

func TestUnknownNationalServiceIsRefused(t *testing.T) {
	ensureNational(t)
	p := province(t, "96")
	i := &platformv1alpha1.IntegrationPlatform{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		Spec: platformv1alpha1.IntegrationPlatformSpec{
			PortalRef: platformv1alpha1.LocalObjectReference{Name: p.Name},
			Connectors: []platformv1alpha1.Connector{{Name: "tax", Service: "taxRegistry",
				Systems: []platformv1alpha1.ConnectorSystem{{Name: platformv1alpha1.SystemPortal}}}},
			NDXPCredentialsSecretRef: platformv1alpha1.LocalObjectReference{Name: "ndxp-credentials"},
		},
	}
	err := k8s.Create(context.Background(), i)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "spec.connectors[0].service") {
		t.Fatalf("want the service refused at admission, naming the field; got %v", err)
	}
}

// deleteIntegrationPlatform deletes a platform and waits until it is gone.
func deleteIntegrationPlatform(t *testing.T, platform *platformv1alpha1.IntegrationPlatform) {
	t.Helper()
	if err := k8s.Delete(context.Background(), platform); client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	eventually(t, "IntegrationPlatform deleted", func() error {
		_ = playControllers(platform.Namespace)
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(platform), &platformv1alpha1.IntegrationPlatform{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%v)", err)
	})
}

// A new gateway holds the province's new workloads, so that they start on
// the path through it; one that never serves holds them only for its start
// budget, then reads Stalled and lets them start on the direct path.
func TestAGatewayThatNeverServesHoldsNewWorkloadsOnlyForItsBudget(t *testing.T) {
	ensureNational(t)
	// The budget counts from the platform's creationTimestamp, in real time.
	operatorClock.Reset()
	p := province(t, "14")
	platform := integrationPlatform(t, p, true, platformv1alpha1.SystemPortal)
	t.Cleanup(func() { deleteIntegrationPlatform(t, platform) })
	// As when both are applied together: the platform is known before the
	// portal's certificates are issued.
	eventually(t, "the operator knows the platform", func() error {
		return operatorCache.Get(context.Background(), client.ObjectKeyFromObject(platform), &platformv1alpha1.IntegrationPlatform{})
	})
	portal := named(&appsv1.Deployment{}, render.PortalOwner(p).Name(render.RolePortal))
	portal.Namespace = p.Namespace
	// cert-manager issues everything; no gateway pod ever becomes ready.
	eventually(t, "the portal's workload waits for the gateway", func() error {
		if err := playCertManager(p.Namespace); err != nil {
			return err
		}
		c := condition(getPortal(t, p), platformv1alpha1.ConditionWorkloadReady)
		if c == nil || c.Reason != platformv1alpha1.ReasonWaitingForCertificates || !strings.Contains(c.Message, "the gateway of IntegrationPlatform "+platform.Name) {
			_ = exists(platform)
			return fmt.Errorf("WorkloadReady: %+v (IntegrationPlatform: %+v)", c, platform.Status.Conditions)
		}
		gateway := named(&appsv1.Deployment{}, render.IntegrationOwner(platform, p).Name(render.RoleLGSPGateway))
		gateway.Namespace = p.Namespace
		return exists(gateway)
	})
	if err := exists(portal); !apierrors.IsNotFound(err) {
		t.Fatalf("the portal's Deployment exists while the gateway is starting (%v)", err)
	}

	operatorClock.Step(gatewayStartBudget)
	change(t, platform, func() { platform.Annotations = map[string]string{"example.org/budget-passed": "yes"} })
	stalled := waitObjectStalled(t, platform, platformv1alpha1.ReasonGatewayNotServing)
	if !strings.Contains(stalled.Message, "no longer wait") {
		t.Errorf("the message does not say the workloads stop waiting: %s", stalled.Message)
	}
	eventually(t, "the portal's Deployment created on the direct path", func() error {
		if err := playCertManager(p.Namespace); err != nil {
			return err
		}
		return exists(portal)
	})
}

// A deleted gateway serves until every workload that reached NDXP through
// it has switched back and rolled, however long its owner takes (here a
// paused one-stop-shop), and says what it waits for.
func TestADeletedGatewayServesUntilEveryWorkloadSwitchedBack(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "33"))
	shop := oneStopShop(t, p, true)
	waitObjectReady(t, shop)
	platform := integrationPlatform(t, p, true, platformv1alpha1.SystemPortal, platformv1alpha1.SystemOneStopShop)
	waitObjectReady(t, platform)
	worker := named(&appsv1.Deployment{}, render.OneStopShopOwner(shop, p).Name(render.RoleMotcuaWorker))
	worker.Namespace = p.Namespace
	eventually(t, "the one-stop-shop's worker reaches NDXP through the gateway", func() error {
		_ = playControllers(p.Namespace)
		if err := exists(worker); err != nil {
			return err
		}
		if via := worker.Annotations[render.DataExchangeAnnotation]; via != render.GatewayURL(platform) {
			return fmt.Errorf("the worker reaches NDXP at %q", via)
		}
		return nil
	})

	change(t, shop, func() { shop.Annotations = map[string]string{platformv1alpha1.PausedAnnotation: "true"} })
	if err := k8s.Delete(context.Background(), platform); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the platform waits for the paused one-stop-shop", func() error {
		_ = playControllers(p.Namespace)
		live := &platformv1alpha1.IntegrationPlatform{}
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(platform), live); err != nil {
			return err
		}
		ready := condOf(live, platformv1alpha1.ConditionReady)
		if ready == nil || ready.Reason != platformv1alpha1.ReasonWaitingForSwitchBack || !strings.Contains(ready.Message, "Deployment "+shop.Name+"-motcua-") {
			return fmt.Errorf("Ready: %+v", ready)
		}
		return nil
	})

	change(t, shop, func() { shop.Annotations = nil })
	eventually(t, "the platform gone once the worker switched back", func() error {
		_ = playControllers(p.Namespace)
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(platform), &platformv1alpha1.IntegrationPlatform{})
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("still there (%v)", err)
		}
		return nil
	})
	if err := exists(worker); err != nil || worker.Annotations[render.DataExchangeAnnotation] == render.GatewayURL(platform) {
		t.Errorf("the gateway went while the worker still reached NDXP through it: %v, %v", err, worker.Annotations)
	}
	collectGarbage(t, platform)
}
