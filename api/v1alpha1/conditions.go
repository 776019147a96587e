package v1alpha1

// Detail condition types. Ready, Reconciling, Stalled and Paused are in common_types.go.
const (
	// ConditionCertificatesReady is True when every Certificate of the object is issued and current.
	ConditionCertificatesReady = "CertificatesReady"
	// ConditionWorkloadReady is True when the object's workload runs the current spec.
	ConditionWorkloadReady = "WorkloadReady"
	// ConditionInterconnectConfigured is True when the national wiring is resolved and applied.
	ConditionInterconnectConfigured = "InterconnectConfigured"
	// ConditionCAIssuerReady is True when the national CA issuer exists and is Ready.
	ConditionCAIssuerReady = "CAIssuerReady"
	// ConditionTrustRootsValid is True when every trusted root is a current CA certificate.
	ConditionTrustRootsValid = "TrustRootsValid"
	// ConditionPortalReady is True when the referenced ProvincePortal's SubCA issues.
	ConditionPortalReady = "PortalReady"
	// ConditionDatabaseConfigured is True when the database Secret and key exist.
	ConditionDatabaseConfigured = "DatabaseConfigured"
	// ConditionNationalSyncConfigured is True when dossier synchronisation is wired (or off by choice).
	ConditionNationalSyncConfigured = "NationalSyncConfigured"
	// ConditionPostalDeliveryConfigured is True when postal delivery is wired (or off by choice).
	ConditionPostalDeliveryConfigured = "PostalDeliveryConfigured"
	// ConditionSSOConfigured is True when the system's login clients are wired (or none is asked for).
	ConditionSSOConfigured = "SSOConfigured"
	// ConditionSigningCertificateReady is True when the node's signing certificate is issued.
	ConditionSigningCertificateReady = "SigningCertificateReady"
	// ConditionStorageBound is True when every claim of the node is Bound and holds spec.storage.size.
	ConditionStorageBound = "StorageBound"
	// ConditionStorageResized is True when every claim requests spec.storage.size;
	// False while a grown claim waits, or when its StorageClass cannot grow.
	ConditionStorageResized = "StorageResized"
)

// Condition reasons. A Stalled condition's reason says which input a user must fix.
const (
	// ReasonReady means everything the object asks for exists and works.
	ReasonReady = "Ready"
	// ReasonProgressing means the operator applied the spec and waits for it to take effect.
	ReasonProgressing = "Progressing"
	// ReasonPaused means the paused annotation holds every change back.
	ReasonPaused = "Paused"
	// ReasonNationalPlatformNotFound means there is no NationalPlatform named national.
	ReasonNationalPlatformNotFound = "NationalPlatformNotFound"
	// ReasonCAIssuerNotFound means the national CA ClusterIssuer does not exist.
	ReasonCAIssuerNotFound = "CAIssuerNotFound"
	// ReasonCAIssuerNotReady means the national CA ClusterIssuer is not Ready.
	ReasonCAIssuerNotReady = "CAIssuerNotReady"
	// ReasonIssuerNotFound means a referenced issuer does not exist.
	ReasonIssuerNotFound = "IssuerNotFound"
	// ReasonIssuerNotAllowed means a ProvincePortal names as its public issuer
	// one central ops do not allow, or the national CA (or an issuer signing
	// with its key).
	ReasonIssuerNotAllowed = "IssuerNotAllowed"
	// ReasonOrganIDNotAssigned means an organId is not under the province's
	// People's Committee's identifier, or is under another province's.
	ReasonOrganIDNotAssigned = "OrganIDNotAssigned"
	// ReasonPublicIssuerRequired means a production ProvincePortal names no
	// public issuer while central ops require publicly trusted certificates
	// for the hosts citizens reach.
	ReasonPublicIssuerRequired = "PublicIssuerRequired"
	// ReasonNoRelease means neither a pin nor the national default names a release.
	ReasonNoRelease = "NoRelease"
	// ReasonReleaseNotFound means the effective PlatformRelease does not exist.
	ReasonReleaseNotFound = "ReleaseNotFound"
	// ReasonComponentMissing means the release lacks the component the object runs.
	ReasonComponentMissing = "ComponentMissing"
	// ReasonSecretNotFound means a referenced Secret does not exist.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonSecretKeyMissing means a referenced Secret lacks a required key.
	ReasonSecretKeyMissing = "SecretKeyMissing"
	// ReasonNamespaceNotAssigned means central ops have not labelled the namespace for the province.
	ReasonNamespaceNotAssigned = "NamespaceNotAssigned"
	// ReasonDuplicateInNamespace means another object of the kind already serves the namespace.
	ReasonDuplicateInNamespace = "DuplicateInNamespace"
	// ReasonGatewayNotServing means an integration gateway has not served
	// within its start budget: the province's new workloads stop waiting
	// for it.
	ReasonGatewayNotServing = "GatewayNotServing"
	// ReasonWaitingForSwitchBack means a deleted integration platform keeps
	// its gateway serving while workloads still reach NDXP through it.
	ReasonWaitingForSwitchBack = "WaitingForSwitchBack"
	// ReasonProvinceClaimed means an older ProvincePortal serves the same province and environment.
	ReasonProvinceClaimed = "ProvinceClaimed"
	// ReasonInvalidTrustedRoots means some trusted roots are expired or not CA certificates.
	ReasonInvalidTrustedRoots = "InvalidTrustedRoots"
	// ReasonWaitingForCertificates means some Certificates are not yet issued.
	ReasonWaitingForCertificates = "WaitingForCertificates"
	// ReasonWaitingForWorkload means the workload does not exist yet.
	ReasonWaitingForWorkload = "WaitingForWorkload"
	// ReasonRollingOut means a workload rolls out its current spec: the
	// message names it and says how many replicas are updated.
	ReasonRollingOut = "RollingOut"
	// ReasonPortalNotFound means the ProvincePortal named by spec.portalRef does not exist.
	ReasonPortalNotFound = "PortalNotFound"
	// ReasonWaitingForPortal means the ProvincePortal's SubCA does not issue yet.
	ReasonWaitingForPortal = "WaitingForPortal"
	// ReasonDisabled means a feature is off by the user's choice.
	ReasonDisabled = "Disabled"
	// ReasonPostalNotConfigured means the NationalPlatform names no postal service.
	ReasonPostalNotConfigured = "PostalNotConfigured"
	// ReasonRedirectURIOffHost means an SSO redirect URI is not on the
	// system's own host, where the single sign-on would send citizens' codes.
	ReasonRedirectURIOffHost = "RedirectURIOffHost"
	// ReasonCallerNetworksMissing means a OneStopShop serves an endpoint the
	// national portal or the postal service calls, but the NationalPlatform
	// names no networks that caller calls from, so the endpoint could not be
	// closed to everyone else.
	ReasonCallerNetworksMissing = "CallerNetworksMissing"
	// ReasonDomainNotAssigned means a host is neither one of the province's
	// domains nor under one: the operator serves it and requests no certificate for it.
	ReasonDomainNotAssigned = "DomainNotAssigned"
	// ReasonWaitingForStorage means some claims are not Bound yet.
	ReasonWaitingForStorage = "WaitingForStorage"
	// ReasonExpansionNotSupported means the StorageClass does not allow claims to grow.
	ReasonExpansionNotSupported = "ExpansionNotSupported"
	// ReasonResizing means grown claims wait for their volumes to grow.
	ReasonResizing = "Resizing"
	// ReasonSecretsNotPermitted means central ops have not let the operator
	// read Secrets in the namespace (the ClusterRole province-role is not bound there).
	ReasonSecretsNotPermitted = "SecretsNotPermitted"
	// ReasonNameConflict means an object the operator did not create already
	// has the name of one of its children; it is never taken over.
	ReasonNameConflict = "NameConflict"
	// ReasonChildRejected means the API server refused a child as invalid.
	ReasonChildRejected = "ChildRejected"
	// ReasonDuplicateOrganID means an older DocExchangeNode of the namespace has the same organId.
	ReasonDuplicateOrganID = "DuplicateOrganID"
)

// Finalizers the operator sets.
const (
	// PrivateKeysFinalizer lets the operator delete the Secrets holding a
	// province's private keys before the object that asked for them goes.
	PrivateKeysFinalizer = "platform.egov.vn/private-keys"
	// DocumentStorageFinalizer lets the operator make sure a document exchange
	// node's volumes are retained, and say where they are, before the node goes.
	DocumentStorageFinalizer = "platform.egov.vn/document-storage"
)
