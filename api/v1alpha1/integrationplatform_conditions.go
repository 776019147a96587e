package v1alpha1

// Condition types of an IntegrationPlatform.
const (
	// ConditionConnectorsConfigured is True when every connector names a
	// system present in the namespace; its message lists each connector
	// with the systems it lets through.
	ConditionConnectorsConfigured = "ConnectorsConfigured"
	// ConditionCredentialsValid is True when the NDXP credentials Secret
	// exists and holds clientID and clientSecret.
	ConditionCredentialsValid = "CredentialsValid"
)

// Condition reasons of an IntegrationPlatform.
const (
	// ReasonSystemNotFound means a connector lets through a system of the
	// stack that does not exist in the namespace.
	ReasonSystemNotFound = "SystemNotFound"
)
