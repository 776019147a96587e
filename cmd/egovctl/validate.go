package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/egov-vn/egov-operator/internal/validate"
)

// newValidateCommand returns `egovctl validate`.
func newValidateCommand(name string) *cobra.Command {
	var paths []string
	cmd := &cobra.Command{
		Use:   "validate -f FILE_OR_DIR...",
		Short: "Check manifests offline with the rules the API server and the operator apply",
		Long: `Check manifests without a cluster, with the rules the API server applies
to the operator's kinds (each CRD's schema, defaults and CEL rules, through
the API server's own validators, and the metadata name rules) and the rules
between objects the operator enforces by refusing to serve an object: one
ProvincePortal per namespace and per province and environment, one
OneStopShop per namespace, distinct DocExchangeNode organIds.

Documents are checked in order, as kubectl apply would create them: a later
document with the kind, namespace and name of an earlier one updates it, so
give the live object first to check a change against the rules on updates
(immutable fields, storage that never shrinks). A List, as kubectl get
prints several objects, is read item by item. Objects of other API groups
are skipped; a namespaced object without a namespace is checked in
"default".

Each finding gives the file, the line of the field, the field and the
message. A reference to a ProvincePortal or PlatformRelease the manifests
lack is a warning, since the cluster may hold it. The command exits 1 when
there is any error; warnings alone exit 0.`,
		Example: examples(name, `
# Check a province's manifests before applying them
egovctl validate -f provinces/42/

# Check a change of a live DocExchangeNode
kubectl get docexchangenode hatinh -n egov-hatinh -o yaml > live.yaml
egovctl validate -f live.yaml -f hatinh-docexchange.yaml`),
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runValidate(cmd.Context(), cmd.OutOrStdout(), paths)
		},
	}
	cmd.Flags().StringSliceVarP(&paths, "filename", "f", nil, "manifest files or directories (walked for *.yaml and *.yml); repeat or separate with commas")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
	return cmd
}

// runValidate prints every finding of the manifests under paths and
// fails when one is an error.
func runValidate(ctx context.Context, out io.Writer, paths []string) error {
	v, err := validate.ForOperator()
	if err != nil {
		return err
	}
	findings, err := v.Files(ctx, paths...)
	if err != nil {
		return err
	}
	errorCount := 0
	for _, f := range findings {
		fmt.Fprintln(out, f)
		if !f.Warning {
			errorCount++
		}
	}
	if errorCount > 0 {
		return fmt.Errorf("%d of %d findings are errors", errorCount, len(findings))
	}
	return nil
}
