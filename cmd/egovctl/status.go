package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/duration"
	"sigs.k8s.io/controller-runtime/pkg/client"

	platformv1alpha1 "github.com/egov-vn/egov-operator/api/v1alpha1"
)

// stackRow is one province's stack of one environment, as status prints it.
type stackRow struct {
	Code        string       `json:"code"`
	Name        string       `json:"name"`
	Region      string       `json:"region"`
	Environment string       `json:"environment,omitempty"`
	Namespace   string       `json:"namespace,omitempty"`
	Release     string       `json:"release,omitempty"`
	Ready       bool         `json:"ready"`
	Reason      string       `json:"reason,omitempty"`
	Message     string       `json:"message,omitempty"`
	ReadySince  *metav1.Time `json:"readySince,omitempty"`
	// Created is when the Province was created: AGE in the table.
	Created metav1.Time `json:"created"`
}

func newStatusCommand(name string, c *cluster) *cobra.Command {
	var output string
	var watch bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the fleet: every province's stacks, their release and readiness",
		Long: `Show the fleet from the Provinces in the current kubeconfig's cluster: for
each province and environment, its release, whether its stack is Ready and,
when it is not, the reason of the first object that is not. A province with
no stack yet shows its own Ready reason. AGE is the Province's.

With --watch, print the fleet again whenever a Province's status changes.`,
		Example: examples(name, `
egovctl status
egovctl status -o json
egovctl status --watch --context central-ops`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			k, err := c.connect()
			if err != nil {
				return err
			}
			show := func() error { return printFleet(cmd.Context(), k, cmd.OutOrStdout(), output, c.clock.Now()) }
			if !watch {
				return show()
			}
			return watchProvinces(cmd.Context(), k, show)
		},
	}
	addOutputFlag(cmd, &output, outputTable, outputJSON)
	cmd.Flags().BoolVarP(&watch, "watch", "w", false, "print the fleet again on every change of a Province")
	cmd.AddCommand(newRolloutStatusCommand(name, c))
	return cmd
}

func printFleet(ctx context.Context, k client.Reader, w io.Writer, output string, now time.Time) error {
	list := &platformv1alpha1.ProvinceList{}
	if err := k.List(ctx, list); err != nil {
		return fmt.Errorf("list Provinces: %w", err)
	}
	rows := fleetRows(list.Items)
	return printAs(w, output, rows, func(w io.Writer) {
		fmt.Fprintln(w, "CODE\tNAME\tREGION\tENVIRONMENT\tRELEASE\tREADY\tREASON\tAGE")
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%t\t%s\t%s\n", r.Code, r.Name, r.Region, orNone(r.Environment), orNone(r.Release),
				r.Ready, orNone(r.Reason), duration.HumanDuration(now.Sub(r.Created.Time)))
		}
	})
}

// fleetRows lists each province's stacks by code and environment; a
// province without one gets a row of its own.
func fleetRows(items []platformv1alpha1.Province) []stackRow {
	sort.Slice(items, func(i, j int) bool { return items[i].Spec.Code < items[j].Spec.Code })
	var rows []stackRow
	for _, p := range items {
		province := stackRow{Code: string(p.Spec.Code), Name: p.Spec.DisplayName, Region: p.Labels[platformv1alpha1.RegionLabel], Created: p.CreationTimestamp}
		if len(p.Status.Environments) == 0 {
			if ready := meta.FindStatusCondition(p.Status.Conditions, platformv1alpha1.ConditionReady); ready != nil {
				province.Ready, province.Reason, province.Message = ready.Status == metav1.ConditionTrue, ready.Reason, ready.Message
			}
			rows = append(rows, province)
		}
		for _, env := range p.Status.Environments {
			row := province
			row.Environment, row.Namespace, row.Release = env.Environment, env.Namespace, env.Release
			row.Ready, row.Reason, row.Message, row.ReadySince = env.Ready, env.Reason, env.Message, env.ReadySince
			rows = append(rows, row)
		}
	}
	return rows
}

// watchProvinces calls show now and after every change of a Province,
// until ctx ends or the watch does.
func watchProvinces(ctx context.Context, k client.WithWatch, show func() error) error {
	watcher, err := k.Watch(ctx, &platformv1alpha1.ProvinceList{})
	if err != nil {
		return fmt.Errorf("watch Provinces: %w", err)
	}
	defer watcher.Stop()
	if err := show(); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-watcher.ResultChan():
			if !ok {
				return nil
			}
			if err := show(); err != nil {
				return err
			}
		}
	}
}

func newRolloutStatusCommand(name string, c *cluster) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "rollout NAME",
		Short: "Show a FleetRollout's waves and the state of each of their provinces",
		Long: `Show a FleetRollout from the current kubeconfig's cluster: its release and
environment, then each wave in order with its state, and each province of
the wave with its state and why it is there. With -o json or yaml, the
rollout's status as the operator wrote it.`,
		Example: examples(name, `
egovctl status rollout egov-2026.12
egovctl status rollout egov-2026.12 -o yaml`),
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return rolloutNames(cmd.Context(), c, args), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := c.connect()
			if err != nil {
				return err
			}
			r := &platformv1alpha1.FleetRollout{}
			if err := k.Get(cmd.Context(), types.NamespacedName{Name: args[0]}, r); err != nil {
				return fmt.Errorf("get FleetRollout %s: %w", args[0], err)
			}
			return printRollout(cmd.OutOrStdout(), output, r)
		},
	}
	addOutputFlag(cmd, &output, outputTable, outputJSON, outputYAML)
	return cmd
}

func printRollout(w io.Writer, output string, r *platformv1alpha1.FleetRollout) error {
	return printAs(w, output, r.Status, func(w io.Writer) {
		ready := "Unknown"
		if cond := meta.FindStatusCondition(r.Status.Conditions, platformv1alpha1.ConditionReady); cond != nil {
			ready = fmt.Sprintf("%s (%s)", cond.Status, cond.Reason)
		}
		fmt.Fprintf(w, "FleetRollout %s: release %s, environment %s, current wave %s, Ready %s\n",
			r.Name, r.Spec.Release, r.Spec.Environment, orNone(r.Status.CurrentWave), ready)
		fmt.Fprintln(w, "WAVE\tWAVE STATE\tCODE\tSTATE\tREASON")
		for _, wave := range r.Status.Waves {
			if len(wave.Provinces) == 0 {
				fmt.Fprintf(w, "%s\t%s\t-\t-\t-\n", wave.Name, wave.State)
			}
			for _, p := range wave.Provinces {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", wave.Name, wave.State, p.Code, p.State, orNone(p.Reason))
			}
		}
	})
}

// rolloutNames completes FleetRollout names from the cluster, when it answers.
func rolloutNames(ctx context.Context, c *cluster, args []string) []string {
	if len(args) > 0 {
		return nil
	}
	k, err := c.connect()
	if err != nil {
		return nil
	}
	list := &platformv1alpha1.FleetRolloutList{}
	if err := k.List(ctx, list); err != nil {
		return nil
	}
	names := make([]string, len(list.Items))
	for i, r := range list.Items {
		names[i] = r.Name
	}
	return names
}
