package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/alerting"
	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// demoStatus prints the demo's status table: per SLO its SLI, budget left, burn rates and
// the alerts that are not inactive, read from the same engine and alert state the
// detector uses.
type demoStatus struct {
	pool   *pgxpool.Pool
	schema string
	cfg    *slo.Config
	eng    *engine.Engine
	clock  func() time.Time
}

func newDemoStatus(pool *pgxpool.Pool, schema string, cfg *slo.Config, tables slo.Tables, clock func() time.Time) (*demoStatus, error) {
	eng, err := engine.New(pool, engine.Options{Schema: schema, Tables: tables, Config: cfg, Clock: clock, ManualRefresh: true})
	if err != nil {
		return nil, err
	}
	return &demoStatus{pool: pool, schema: schema, cfg: cfg, eng: eng, clock: clock}, nil
}

// loop prints the table every `every` until ctx ends. A failed read is printed, not fatal.
func (d *demoStatus) loop(ctx context.Context, w io.Writer, every time.Duration) error {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		if err := d.print(ctx, w); err != nil && ctx.Err() == nil {
			fmt.Fprintln(w, "demo: status:", err)
		}
	}
}

func (d *demoStatus) print(ctx context.Context, w io.Writer) error {
	at := d.clock()
	alerts, err := store.LoadAlerts(ctx, d.pool, d.schema)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\n%s\n", at.Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintln(tw, "SLO\tSLI\tBUDGET LEFT\tBURN 5m\tBURN 1h\tBURN 6h\tALERTS")
	for _, s := range d.cfg.SLOs() {
		st, err := d.eng.Status(ctx, s, at)
		if err != nil {
			return err
		}
		var active []string
		for _, r := range d.cfg.RulesFor(s) {
			if a, ok := alerts[alerting.AlertID(s.ID(), r.Name)]; ok && a.State != string(alerting.StateInactive) {
				active = append(active, fmt.Sprintf("%s %s (%s)", r.Name, a.State, a.Severity))
			}
		}
		if len(active) == 0 {
			active = []string{"ok"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID(), percent(st.SLI), percent(st.BudgetRemaining),
			rate(st.BurnRates[5*time.Minute]), rate(st.BurnRates[time.Hour]), rate(st.BurnRates[6*time.Hour]),
			strings.Join(active, ", "))
	}
	return tw.Flush()
}
