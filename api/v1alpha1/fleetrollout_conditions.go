package v1alpha1

// Condition reasons of a FleetRollout. Ready, Reconciling, Stalled and Paused
// carry them; ReasonPaused, ReasonProgressing and ReasonReleaseNotFound are
// shared with the other kinds.
const (
	// ReasonRolloutComplete means every wave is done: each of its provinces runs the release.
	ReasonRolloutComplete = "Complete"
	// ReasonProgressDeadlineExceeded means a province was not done within
	// progressDeadlineSeconds: the rollout halted at its wave.
	ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded"
	// ReasonRolledBack means a wave failed and its provinces were sent back
	// to the releases they ran before.
	ReasonRolledBack = "RolledBack"
	// ReasonWaitingForRollout means an older rollout of the same environment
	// is still active; this one starts when it ends.
	ReasonWaitingForRollout = "WaitingForRollout"
	// ReasonWaitingForWindow means provinces may start, but only inside a maintenance window.
	ReasonWaitingForWindow = "WaitingForWindow"
	// ReasonWaitingForProvinces means waves select by label but no Province
	// objects are known yet, so no wave can tell its provinces.
	ReasonWaitingForProvinces = "WaitingForProvinces"
	// ReasonInvalidTimeZone means spec.timeZone names no known IANA time zone.
	ReasonInvalidTimeZone = "InvalidTimeZone"
)
