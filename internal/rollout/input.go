// Package rollout plans a FleetRollout: from the rollout, the provinces,
// their stacks and the assignments already written, it decides which
// provinces start, which are done or failed, and what the rollout reports.
// It holds no client and no clock: the same input always gives the same plan.
package rollout

import (
	"time"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// Input is everything a rollout is planned from.
type Input struct {
	// Rollout is the rollout, with the status it last reported.
	Rollout *platformv1alpha1.FleetRollout
	// Provinces are the Province objects waves select from.
	Provinces []Province
	// Stacks are the stacks of the rollout's environment.
	Stacks []Stack
	// Assignments are the ProvinceAssignments; other environments' are ignored.
	Assignments []platformv1alpha1.ProvinceAssignmentSpec
	// Target says whether the rollout's release exists and is conformant.
	Target Target
	// DefaultRelease is NationalPlatform.spec.defaultRelease: what a stack
	// without an assignment runs, and so what a rollback returns it to.
	DefaultRelease string
	// OtherRollouts are the other rollouts of the same environment.
	OtherRollouts []OtherRollout
	// Now is the time the plan is made at.
	Now time.Time
}

// Province is a province waves may select.
type Province struct {
	// Code is the province's two-digit code.
	Code string
	// Labels are the Province object's labels.
	Labels map[string]string
}

// Stack is one object of a province's stack (ProvincePortal, OneStopShop or
// DocExchangeNode) in the rollout's environment, as its status reports it.
type Stack struct {
	// Province is the code of the province the stack serves.
	Province string
	// Name says which object it is in messages, e.g. ProvincePortal egov-42/hatinh.
	Name string
	// Release is the release the object reports running (status.release).
	Release string
	// Observed is true when status.observedGeneration equals metadata.generation.
	Observed bool
	// Ready is the object's Ready condition.
	Ready bool
	// ReadySince is when Ready last turned True; zero when unknown.
	ReadySince time.Time
	// Reason is why the object is not Ready, from its Ready condition.
	Reason string
	// Pin is the release its ProvincePortal's spec.release pins, if any.
	Pin string
}

// Target is what is known of the rollout's release.
type Target struct {
	// Found is true when the PlatformRelease exists.
	Found bool
	// Conformant is the release's Conformant condition.
	Conformant bool
	// Message explains a release that is not conformant.
	Message string
}

// OtherRollout is another rollout of the same environment.
type OtherRollout struct {
	// Name of the rollout.
	Name string
	// Created is its creation time: of two active rollouts the older runs.
	Created time.Time
	// Active is Active(rollout).
	Active bool
}

// Output is the plan: what to write and what to report.
type Output struct {
	// Assignments are the ProvinceAssignments to create or update.
	Assignments []platformv1alpha1.ProvinceAssignmentSpec
	// Status is the rollout's new status.
	Status platformv1alpha1.FleetRolloutStatus
	// WakeAt is when the plan changes with time alone (a deadline, a soak or
	// a window); zero when only a change of the inputs can change it.
	WakeAt time.Time
}
