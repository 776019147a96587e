// Package conditions sets status conditions and derives Ready, Reconciling
// and Stalled from them the same way for every kind, with kstatus meaning:
// Reconciling and Stalled are present only while True.
package conditions

import (
	"errors"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// UserError is an input a user must fix; it becomes Stalled with its reason
// and message, and is not retried until a watched object changes.
type UserError struct {
	// Reason is a CamelCase reason from the API package.
	Reason string
	// Message tells the user what to change.
	Message string
}

func (e *UserError) Error() string { return e.Reason + ": " + e.Message }

// Stalled returns a UserError.
func Stalled(reason, format string, args ...any) error {
	return &UserError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// AsUserError returns the UserError in err's chain, if any.
func AsUserError(err error) (*UserError, bool) {
	var u *UserError
	ok := errors.As(err, &u)
	return u, ok
}

// Set records a condition for the given generation. The transition time
// moves only when the status does, so an unchanged condition is no change.
func Set(conds *[]metav1.Condition, generation int64, conditionType string, status bool, reason, message string) {
	SetAt(conds, generation, conditionType, status, reason, message, time.Time{})
}

// SetAt is Set with the transition time given, for pure code that holds no
// clock; a zero time means the current time.
func SetAt(conds *[]metav1.Condition, generation int64, conditionType string, status bool, reason, message string, now time.Time) {
	s := metav1.ConditionFalse
	if status {
		s = metav1.ConditionTrue
	}
	meta.SetStatusCondition(conds, metav1.Condition{
		Type: conditionType, Status: s, Reason: reason, Message: message, ObservedGeneration: generation,
		LastTransitionTime: metav1.NewTime(now),
	})
}

// IsTrue reports whether the condition is present and True.
func IsTrue(conds []metav1.Condition, conditionType string) bool {
	return meta.IsStatusConditionTrue(conds, conditionType)
}

// Summarize sets Ready, Reconciling and Stalled from a user error, if any, and
// from the detail conditions: Ready when every detail is True, Reconciling
// (naming the first detail that is not) otherwise, Stalled on a user error.
func Summarize(conds *[]metav1.Condition, generation int64, userErr *UserError, details ...string) {
	meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionPaused)
	if userErr != nil {
		Set(conds, generation, platformv1alpha1.ConditionStalled, true, userErr.Reason, userErr.Message)
		meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionReconciling)
		Set(conds, generation, platformv1alpha1.ConditionReady, false, userErr.Reason, userErr.Message)
		return
	}
	meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionStalled)
	for _, d := range details {
		c := meta.FindStatusCondition(*conds, d)
		if c == nil || c.Status != metav1.ConditionTrue {
			reason, message := platformv1alpha1.ReasonProgressing, "waiting for "+d
			if c != nil {
				reason, message = c.Reason, c.Message
			}
			Set(conds, generation, platformv1alpha1.ConditionReconciling, true, reason, message)
			Set(conds, generation, platformv1alpha1.ConditionReady, false, reason, message)
			return
		}
	}
	meta.RemoveStatusCondition(conds, platformv1alpha1.ConditionReconciling)
	Set(conds, generation, platformv1alpha1.ConditionReady, true, platformv1alpha1.ReasonReady, "all components are ready")
}

// Pause marks the object paused; its other conditions keep their last values.
func Pause(conds *[]metav1.Condition, generation int64) {
	Set(conds, generation, platformv1alpha1.ConditionPaused, true, platformv1alpha1.ReasonPaused,
		"the annotation "+platformv1alpha1.PausedAnnotation+" holds every change back; remove it to resume")
}
