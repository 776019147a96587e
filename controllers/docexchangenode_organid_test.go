package controllers

import (
	"context"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
	"github.com/egov-vn/egov-operator/internal/render"
)

// namedNode names a DocExchangeNode: nodes of one namespace need their own names.
func namedNode(name string) func(*platformv1alpha1.DocExchangeNode) {
	return func(d *platformv1alpha1.DocExchangeNode) { d.Name = name }
}

func statefulSetOf(t *testing.T, d *platformv1alpha1.DocExchangeNode) *appsv1.StatefulSet {
	t.Helper()
	sts := &appsv1.StatefulSet{}
	if err := k8s.Get(context.Background(), types.NamespacedName{Namespace: d.Namespace, Name: render.DocExchangeStatefulSet(d)}, sts); err != nil {
		t.Fatal(err)
	}
	return sts
}

func TestANodeStalledForADuplicateOrganIDServesOnceTheOtherMovesAway(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "91"))
	older := docExchangeNode(t, p, namedNode(p.Name+"-a"))
	waitObjectReady(t, older)
	newer := docExchangeNode(t, p, namedNode(p.Name+"-b"))
	waitObjectStalled(t, newer, platformv1alpha1.ReasonDuplicateOrganID)

	change(t, older, func() { older.Spec.OrganID = "000.00.01.H00" })
	waitObjectReady(t, newer)
}

func TestANodeWhoseOrganIDAnOlderNodeTakesStopsItsPod(t *testing.T) {
	ensureNational(t)
	p := waitReady(t, province(t, "92"))
	older := docExchangeNode(t, p, namedNode(p.Name+"-a"))
	newer := docExchangeNode(t, p, namedNode(p.Name+"-b"), func(d *platformv1alpha1.DocExchangeNode) { d.Spec.OrganID = "000.00.01.H00" })
	waitObjectReady(t, older)
	waitObjectReady(t, newer)
	template := statefulSetOf(t, newer).Spec.Template

	change(t, older, func() { older.Spec.OrganID = newer.Spec.OrganID })
	stalled := waitObjectStalled(t, newer, platformv1alpha1.ReasonDuplicateOrganID)
	if !strings.Contains(stalled.Message, "runs no pod") {
		t.Errorf("the message should say the node is stopped: %s", stalled.Message)
	}
	sts := statefulSetOf(t, newer)
	if *sts.Spec.Replicas != 0 {
		t.Errorf("the node that lost its organId runs %d replicas", *sts.Spec.Replicas)
	}
	if sts.Spec.Template.Annotations[render.ChecksumAnnotation] != template.Annotations[render.ChecksumAnnotation] {
		t.Errorf("stopping the node changed its pod template")
	}

	change(t, older, func() { older.Spec.OrganID = p.Spec.OrganID })
	waitObjectReady(t, newer)
	if sts := statefulSetOf(t, newer); *sts.Spec.Replicas != 1 {
		t.Errorf("the node serves its organId again with %d replicas", *sts.Spec.Replicas)
	}
}
