package main

import (
	"github.com/spf13/cobra"

	"github.com/egov-vn/egov-operator/internal/offline"
	"github.com/egov-vn/egov-operator/internal/provinces"
	"github.com/egov-vn/egov-operator/internal/render"
)

func newRenderCommand(name string, c *cluster) *cobra.Command {
	var files []string
	var filter offline.Filter
	cmd := &cobra.Command{
		Use:   "render -f DIR_OR_FILE...",
		Short: "Print the objects the operator would apply for a province's manifests",
		Long: `Print, without a cluster, exactly the objects the operator would apply for the
ProvincePortals, OneStopShops, DocExchangeNodes and IntegrationPlatforms in the manifests, as
sorted YAML (by kind, then name). It renders through the same functions as
the operator, from:

  - the NationalPlatform and the PlatformReleases (and ProvinceAssignments,
    when given) in the manifests;
  - each province's domains from its Province in the manifests, or else from
    the operator's province table;
  - the Secrets in the manifests, whose values go into the pods' checksum as
    the operator puts them; a Secret missing from the manifests is left out
    of the checksum, so that annotation differs from the cluster's;
  - the schema defaults of the operator's CRDs, applied as the API server
    applies them.

What only a live cluster knows is taken as ready and unchanged: the national
CA issuer, the provincial SubCA and the public issuers exist and issue (a
public issuer solves ACME HTTP-01 only when it is in the manifests and says
so); every Certificate was issued once (revision 1) and is Ready; document
storage claims have spec.storage.size; the portal's published ConfigMaps hold
what its render holds; an IntegrationPlatform's gateway serves, so the
portal and one-stop-shop reach national data through it (the operator
creates their workloads once it serves). A release that is missing or not conformant, a
portal domain outside its province's domains, or a OneStopShop or
DocExchangeNode whose ProvincePortal is not in the manifests is an error, as
the operator applies nothing for them; other admission rules are not checked
here.

Files are YAML or JSON, one or many documents each; a directory gives the
files under it, kustomization files skipped. Kinds other than
those above are ignored.`,
		Example: examples(name, `
# Hà Tĩnh's stack from the samples
egovctl render -f config/samples/ --province 42

# Every stack of the production environment, from several files
egovctl render -f national.yaml -f releases/ -f provinces/ --environment production`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := offline.Read(files...)
			if err != nil {
				return err
			}
			children, err := m.Render(filter, c.clock.Now())
			if err != nil {
				return err
			}
			out, err := render.YAML(children)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringSliceVarP(&files, "filename", "f", nil, "manifest files or directories to render (repeatable)")
	_ = cmd.MarkFlagRequired("filename")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml", "json")
	cmd.Flags().StringVar(&filter.Province, "province", "", "render only the stacks of this province code, e.g. 42")
	_ = cmd.RegisterFlagCompletionFunc("province", cobra.FixedCompletions(provinces.Codes(), cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().StringVar(&filter.Environment, "environment", "", "render only the stacks of this environment, e.g. production")
	return cmd
}
