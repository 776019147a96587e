package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// The output formats of -o.
const (
	outputTable = "table"
	outputJSON  = "json"
	outputYAML  = "yaml"
)

// addOutputFlag adds -o/--output with the formats given, the first the default.
func addOutputFlag(cmd *cobra.Command, output *string, formats ...string) {
	cmd.Flags().StringVarP(output, "output", "o", formats[0], fmt.Sprintf("output format: one of %v", formats))
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
}

// printAs writes value as JSON or YAML, or calls table with a tab writer.
func printAs(w io.Writer, format string, value any, table func(w io.Writer)) error {
	switch format {
	case outputJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(value)
	case outputYAML:
		out, err := yaml.Marshal(value)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	case outputTable:
		tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		table(tw)
		return tw.Flush()
	}
	return fmt.Errorf("unknown output format %q: use table, json or yaml", format)
}
