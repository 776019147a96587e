package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/egov-vn/egov-operator/internal/provinces"
)

// unitRow is one provincial-level unit as egovctl prints it.
type unitRow struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Region  string   `json:"region"`
	Domains []string `json:"domains"`
	// OrganID is the People's Committee's identifier, where it is confirmed.
	OrganID string `json:"organId,omitempty"`
}

// legacyRow maps a code of the 63-unit scheme to the unit it belongs to now.
type legacyRow struct {
	OldCode string `json:"oldCode"`
	OldName string `json:"oldName"`
	Code    string `json:"code"`
	Name    string `json:"name"`
}

func newProvincesCommand(name string) *cobra.Command {
	var output, legacy string
	cmd := &cobra.Command{
		Use:   "provinces [CODE...]",
		Short: "List the 34 provincial-level units, or what the old codes became",
		Long: `List the 34 provincial-level units since 1 July 2025 (codes of
QĐ 19/2025/QĐ-TTg): code, name, region, domains and the People's Committee's
identifier where it is confirmed. With CODEs, only those units.

With --legacy, map the 63 codes of QĐ 124/2004 to the units they belong to
now: every old code, or only the CODEs given (--legacy 02).`,
		Example: examples(name, `
egovctl provinces
egovctl provinces 42 -o yaml
egovctl provinces --legacy 02
egovctl provinces --legacy -o json`),
		ValidArgsFunction: func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if cmd.Flags().Changed("legacy") {
				return provinces.OldCodes(), cobra.ShellCompDirectiveNoFileComp
			}
			return provinces.Codes(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("legacy") {
				if legacy != allCodes {
					args = append(args, legacy)
				}
				return printLegacy(cmd.OutOrStdout(), output, args)
			}
			return printUnits(cmd.OutOrStdout(), output, args)
		},
	}
	addOutputFlag(cmd, &output, outputTable, outputJSON, outputYAML)
	cmd.Flags().StringVar(&legacy, "legacy", "", "map old (QĐ 124/2004) codes to the current units: all of them, or the codes given")
	// --legacy alone lists every old code; --legacy 02 leaves 02 as an argument.
	cmd.Flags().Lookup("legacy").NoOptDefVal = allCodes
	return cmd
}

// allCodes is --legacy's value when given no code.
const allCodes = "all"

func printUnits(w io.Writer, output string, codes []string) error {
	if len(codes) == 0 {
		codes = provinces.Codes()
	}
	rows := make([]unitRow, 0, len(codes))
	for _, code := range codes {
		u, ok := provinces.Lookup(code)
		if !ok {
			return unknownCode(code)
		}
		organID, _, _ := u.CommitteeOrganID()
		rows = append(rows, unitRow{Code: u.Code, Name: u.FullName(), Region: u.Region(), Domains: u.Domains(), OrganID: organID})
	}
	return printAs(w, output, rows, func(w io.Writer) {
		fmt.Fprintln(w, "CODE\tNAME\tREGION\tDOMAINS\tORGANID")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, r.Region, strings.Join(r.Domains, ","), orNone(r.OrganID))
		}
	})
}

// unknownCode explains a code that is not current, naming its successor
// when it is an old one.
func unknownCode(code string) error {
	if u, old, ok := provinces.FromOldCode(code); ok {
		return fmt.Errorf("%s is not a current code: it was %s's, now part of %s (%s); see --legacy", code, old.Name, u.FullName(), u.Code)
	}
	return fmt.Errorf("%s is not a province code: see %q for the 34 codes", code, "provinces")
}

func printLegacy(w io.Writer, output string, oldCodes []string) error {
	if len(oldCodes) == 0 {
		oldCodes = provinces.OldCodes()
	}
	rows := make([]legacyRow, 0, len(oldCodes))
	for _, old := range oldCodes {
		u, retired, ok := provinces.FromOldCode(old)
		if !ok {
			return fmt.Errorf("%s is not a code of QĐ 124/2004", old)
		}
		rows = append(rows, legacyRow{OldCode: old, OldName: retired.Name, Code: u.Code, Name: u.FullName()})
	}
	return printAs(w, output, rows, func(w io.Writer) {
		fmt.Fprintln(w, "OLD CODE\tOLD NAME\tCODE\tNAME")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.OldCode, r.OldName, r.Code, r.Name)
		}
	})
}

// orNone shows an empty value as a dash in tables.
func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
