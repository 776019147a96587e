package v1alpha1

// Since 1 July 2025 citizens submit online dossiers on the national public
// service portal (dichvucong.gov.vn), which forwards them to the province's
// one-stop-shop system (Công văn 623/TTg-KSTT; Nghị định 118/2025/NĐ-CP).
// The types below are the one-stop-shop's side of that integration.

// ReceivingUnit is a receiving desk (bộ phận tiếp nhận và trả kết quả) of
// the province or of one of its communes.
type ReceivingUnit struct {
	// code is the unit's code at the national public service portal
	// (madonvi): dossiers, progress updates and the procedure catalogue are
	// keyed by it.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9][-._A-Za-z0-9]*$')",message="units[].code must be the unit's madonvi: letters, digits, '.', '-' or '_'"
	Code string `json:"code"`
	// name is the unit's name as citizens see it, e.g. Trung tâm Phục vụ
	// hành chính công tỉnh.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	Name string `json:"name"`
	// postalCustomerCode is the unit's sender and customer code at the
	// postal service (VNPost), under which the dossiers it collects and the
	// results it sends are billed.
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9][-._A-Za-z0-9]*$')",message="units[].postalCustomerCode must be letters, digits, '.', '-' or '_'"
	PostalCustomerCode string `json:"postalCustomerCode,omitempty"`
}

// InboundDossiers is the endpoint the national public service portal calls
// to forward the dossiers citizens submitted online. It is served by its own
// pods, which alone hold the credentials the national portal presents.
type InboundDossiers struct {
	// path of the endpoint on the system's host, e.g. /motcua/api/dvcqg;
	// without it the endpoint is served at api/dvcqg under the system's own
	// path. The Ingress admits only the national portal's networks
	// (NationalPlatform spec.publicServicePortal.sourceCIDRs).
	// +optional
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^(/[-._~A-Za-z0-9]+)+$')",message="nationalSync.inbound.path must be an absolute path of one or more segments, e.g. /motcua/api/dvcqg"
	Path string `json:"path,omitempty"`
	// credentialsSecretRef names a Secret holding the keys clientID and
	// clientSecret: what the national portal presents when it forwards a
	// dossier. Only the inbound pods mount it.
	// +required
	CredentialsSecretRef LocalObjectReference `json:"credentialsSecretRef"`
}

// EMCSiteID is the numeric site ID the national monitoring system (EMC)
// assigned to a website or information system.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=18
// +kubebuilder:validation:XValidation:rule="self.matches('^[0-9]+$')",message="emcSiteID must be the numeric site ID EMC assigned, e.g. 1234"
type EMCSiteID string
