package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// benchServices is how many services share the generated request log; the measured SLO is
// the first one's, so it reads a tenth of the rows.
const benchServices = 10

// benchSLO is the SLO every measurement evaluates: 99.9 % over 30 days.
var benchSLO = slo.SLO{
	Service: "svc_0", LogService: "svc_0", Name: "availability", Type: slo.SuccessRate,
	Objective: 0.999, Window: 30 * slo.Day, WindowText: "30d",
}

// benchResult is one table size's figures.
type benchResult struct {
	rows                     int
	load, backfill           time.Duration
	plain, status, series    []time.Duration
	dashboard                dashboardFigure
	refresh                  []time.Duration
	plainCounts, engineCount slo.Counts
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL URL to benchmark in (default $DATABASE_URL); tables go to schema sloguard_bench_<rows>")
	sizes := fs.String("rows", "1000000,10000000", "comma-separated request-log sizes (30 days each)")
	runs := fs.Int("runs", 21, "measured runs per figure")
	keep := fs.Bool("keep", false, "keep the generated schemas (and reuse them on the next run)")
	cpuProfile := fs.String("cpuprofile", "", "write a Go CPU profile of the whole run to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	ns, err := parseSizes(*sizes)
	if *dsn == "" || err != nil || *runs < 1 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: sloguard bench --dsn URL [--rows 1000000,10000000] [--runs 21] [--keep] [--cpuprofile FILE]")
		return exitError
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "bench: --cpuprofile:", err)
			return exitError
		}
		defer stop()
	}
	pool, err := store.OpenURL(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return exitError
	}
	defer pool.Close()
	host, _ := os.Hostname()
	fmt.Fprintf(stdout, "SLOGuard benchmark on %s (%s), %d runs per figure, SLO %s 99.9 %% / 30d over %d services\n",
		host, time.Now().UTC().Format(time.RFC3339), *runs, benchSLO.ID(), benchServices)
	var results []benchResult
	for _, n := range ns {
		r, err := benchSize(ctx, pool, *dsn, n, *runs, *keep, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return exitError
		}
		results = append(results, r)
	}
	printBench(stdout, results)
	return exitOK
}

// startCPUProfile starts a CPU profile written to path; stop ends it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < benchServices {
			return nil, fmt.Errorf("--rows: %q is not a size", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// benchSize loads n rows over the 30 days before `end` (30 minutes ago, so that ten
// incremental refreshes stay in the past), backfills the rollups, then measures side by side:
// the plain SQL a user would write over raw rows (the 30-day window and the seven burn windows
// in one scan), the engine's status, a 7-day series at a 1-minute step, and incremental
// refreshes after one more minute of traffic (refreshRows) each.
func benchSize(ctx context.Context, pool *pgxpool.Pool, dsn string, n, runs int, keep bool, log io.Writer) (benchResult, error) {
	r := benchResult{rows: n}
	schema := fmt.Sprintf("sloguard_bench_%d", n)
	end := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second)
	var err error
	if r.load, err = loadBenchRows(ctx, pool, schema, n, end, keep, log); err != nil {
		return r, err
	}
	tables := slo.Tables{Requests: slo.RequestTable{Table: schema + ".request_logs"}}
	eng, err := engine.New(pool, engine.Options{Schema: schema, Tables: tables, ManualRefresh: true})
	if err != nil {
		return r, err
	}
	if _, err := store.Migrate(ctx, pool, schema); err != nil {
		return r, err
	}
	// Reused log rows (--keep) get fresh rollups, so that the backfill is measured again.
	rollups := pgx.Identifier{schema, "sli_rollup"}.Sanitize() + ", " + pgx.Identifier{schema, "sli_rollup_state"}.Sanitize()
	if _, err := pool.Exec(ctx, "TRUNCATE "+rollups); err != nil {
		return r, err
	}
	start := time.Now()
	if err := eng.Refresh(ctx, benchSLO, end); err != nil {
		return r, err
	}
	r.backfill = time.Since(start)
	fmt.Fprintf(log, "bench %d rows: rollups backfilled in %s\n", n, r.backfill.Round(time.Millisecond))

	at := end.Add(-17 * time.Second) // not on a minute: both window edges are partial minutes
	plainSQL, plainArgs := plainStatusSQL(schema, at)
	for range runs {
		t0 := time.Now()
		if err := pool.QueryRow(ctx, plainSQL, plainArgs...).Scan(&r.plainCounts.Good, &r.plainCounts.Valid); err != nil {
			return r, fmt.Errorf("plain SQL: %w", err)
		}
		r.plain = append(r.plain, time.Since(t0))

		t0 = time.Now()
		st, err := eng.Status(ctx, benchSLO, at)
		if err != nil {
			return r, err
		}
		r.status = append(r.status, time.Since(t0))
		r.engineCount = st.Window

		t0 = time.Now()
		if _, err := eng.Series(ctx, benchSLO, at.Add(-7*slo.Day), at, time.Minute, engine.DefaultBurnWindows); err != nil {
			return r, err
		}
		r.series = append(r.series, time.Since(t0))
	}
	if r.plainCounts != r.engineCount {
		return r, fmt.Errorf("engine counts %+v differ from plain SQL %+v", r.engineCount, r.plainCounts)
	}
	for i := range 10 {
		minute := end.Add(time.Duration(i) * time.Minute)
		if err := insertMinute(ctx, pool, schema, minute, refreshRows); err != nil {
			return r, err
		}
		t0 := time.Now()
		if err := eng.Refresh(ctx, benchSLO, minute.Add(time.Minute)); err != nil {
			return r, err
		}
		r.refresh = append(r.refresh, time.Since(t0))
	}
	if r.dashboard, err = benchDashboard(ctx, pool, dsn, schema, at, runs, log); err != nil {
		return r, err
	}
	if !keep {
		_, err = pool.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	}
	return r, err
}

// plainStatusSQL is what a user would write in Grafana's PostgreSQL data source: one scan of
// the raw rows of the 30-day window, counting good and valid events for the window and each
// burn window with FILTER. Only the 30-day pair is read back; the database computes all.
func plainStatusSQL(schema string, at time.Time) (string, []any) {
	table := pgx.Identifier{schema, "request_logs"}.Sanitize()
	args := []any{benchSLO.LogService, at.Add(-benchSLO.Window), at}
	var cols []string
	for _, w := range engine.DefaultBurnWindows {
		args = append(args, at.Add(-w))
		p := len(args)
		cols = append(cols, fmt.Sprintf(`count(*) FILTER (WHERE "timestamp" >= $%d AND status_code < 500), count(*) FILTER (WHERE "timestamp" >= $%d)`, p, p))
	}
	return fmt.Sprintf(`SELECT good, valid FROM (
		SELECT count(*) FILTER (WHERE status_code < 500) AS good, count(*) AS valid, %s
		FROM %s WHERE service = $1 AND "timestamp" >= $2 AND "timestamp" < $3) AS w`,
		strings.Join(cols, ", "), table), args
}

// loadBenchRows creates schema with the reference log tables and COPYs n requests spread
// over the 30 days before end, building the indexes after the load, and returns how long that
// took. With keep, an existing schema with n rows is reused (vacuumed) and 0 is returned.
func loadBenchRows(ctx context.Context, pool *pgxpool.Pool, schema string, n int, end time.Time, keep bool, log io.Writer) (time.Duration, error) {
	table := pgx.Identifier{schema, "request_logs"}
	if keep {
		var have int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table.Sanitize()).Scan(&have); err == nil && have >= n {
			// Earlier runs added refresh rows: make their pages all-visible again, as
			// autovacuum would (it is off on some bench machines), or index-only reads of
			// them also read the heap and every later figure is slower than on a fresh load.
			_, err := pool.Exec(ctx, "VACUUM ANALYZE "+table.Sanitize())
			return 0, err
		}
	}
	quoted := pgx.Identifier{schema}.Sanitize()
	if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoted+" CASCADE; CREATE SCHEMA "+quoted); err != nil {
		return 0, err
	}
	// The tables without the request indexes, which are built after the load.
	if err := store.CreateLogTables(ctx, pool, schema); err != nil {
		return 0, err
	}
	if _, err := pool.Exec(ctx, "DROP INDEX "+pgx.Identifier{schema, "request_logs_service_time_idx"}.Sanitize()+", "+
		pgx.Identifier{schema, "request_logs_time_idx"}.Sanitize()); err != nil {
		return 0, err
	}
	start := time.Now()
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	span := float64(30 * slo.Day)
	i := 0
	copied, err := pool.CopyFrom(ctx, table, []string{"timestamp", "service", "route", "status_code", "response_time_ms"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			if i%1_000_000 == 0 {
				fmt.Fprintf(log, "bench %d rows: %d copied (%.0f rows/s)\n", n, i, float64(i)/time.Since(start).Seconds())
			}
			ts := end.Add(-time.Duration(rng.Float64() * span))
			return []any{ts, fmt.Sprintf("svc_%d", i%benchServices), nil, benchStatus(rng), benchLatency(rng)}, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	if err := store.CreateLogTables(ctx, pool, schema); err != nil {
		return 0, err
	}
	if _, err := pool.Exec(ctx, "VACUUM ANALYZE "+table.Sanitize()); err != nil {
		return 0, err
	}
	took := time.Since(start)
	fmt.Fprintf(log, "bench %d rows: loaded %d rows in %s (%.0f rows/s with indexes)\n", n, copied, took.Round(time.Millisecond), float64(copied)/took.Seconds())
	return took, nil
}

// refreshRows is the new traffic before each measured incremental refresh, the same at
// every table size, so that the refresh figures show whether the cost follows table size.
const refreshRows = 1000

// insertMinute adds one minute of the first service's traffic starting at minute.
func insertMinute(ctx context.Context, pool *pgxpool.Pool, schema string, minute time.Time, rows int) error {
	_, err := pool.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "request_logs"}.Sanitize()+`
		("timestamp", service, status_code, response_time_ms)
		SELECT $1::timestamptz + make_interval(secs => i * 60.0 / $3), $2, CASE WHEN i % 1000 = 0 THEN 503 ELSE 200 END, 40
		FROM generate_series(0, $3 - 1) AS i`, minute, benchSLO.LogService, max(rows, 1))
	return err
}

// benchStatus gives 0.1 % server errors and 2 % client errors.
func benchStatus(rng *rand.Rand) int16 {
	switch p := rng.Float64(); {
	case p < 0.001:
		return 503
	case p < 0.021:
		return 404
	default:
		return 200
	}
}

// benchLatency is log-normal around 40 ms.
func benchLatency(rng *rand.Rand) float64 {
	return math.Round(40*math.Exp(0.6*rng.NormFloat64())*10) / 10
}

func printBench(w io.Writer, results []benchResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tload\tbackfill\tplain SQL median\tp95\tengine status median\tp95\tspeed-up\t7d series median\tp95\trefresh median\tp95\tdashboard median\tp95\t")
	for _, r := range results {
		load := "reused"
		if r.load > 0 {
			load = r.load.Round(time.Millisecond).String()
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%.1fx\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.rows, load, r.backfill.Round(time.Millisecond),
			ms(median(r.plain)), ms(p95(r.plain)), ms(median(r.status)), ms(p95(r.status)),
			float64(median(r.plain))/float64(median(r.status)),
			ms(median(r.series)), ms(p95(r.series)), ms(median(r.refresh)), ms(p95(r.refresh)),
			ms(median(r.dashboard.refresh)), ms(p95(r.dashboard.refresh)))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "\ndashboard refresh as one request, and its query types alone:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tquery type\tmedian\tp95\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", r.rows, "all, one request", ms(median(r.dashboard.oneRequest)), ms(p95(r.dashboard.oneRequest)))
		for _, qt := range dashboardQueryTypes {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", r.rows, qt, ms(median(r.dashboard.perType[qt])), ms(p95(r.dashboard.perType[qt])))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", r.rows, "journey_steps, time series", ms(median(r.dashboard.stepSeries)), ms(p95(r.dashboard.stepSeries)))
	}
	_ = tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func median(ds []time.Duration) time.Duration { return quantile(ds, 0.5) }

func p95(ds []time.Duration) time.Duration { return quantile(ds, 0.95) }

// quantile is the nearest-rank quantile of ds.
func quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}
