// Package detector is SLOGuard's background detection loop: it elects a leader with a
// PostgreSQL advisory lock, refreshes rollups, evaluates every SLO's alert rules (pkg/engine,
// pkg/alerting), records the transitions with their notifications in an outbox and the
// incident decisions (pkg/store, pkg/incident) in one transaction per SLO, and drains the
// outbox through the notifiers (pkg/notify). Every instant comes from the injected clock.
package detector

import (
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sloguard/sloguard/pkg/engine"
	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// DefaultInterval is how often the leader runs a cycle when Options.Interval is 0.
const DefaultInterval = time.Minute

// sendTimeout bounds one delivery attempt, well below store.ClaimLease.
const sendTimeout = 30 * time.Second

// Logger is what the detector logs to; *slog.Logger and hclog.Logger satisfy it. Key-values
// never carry secrets.
type Logger interface {
	Info(msg string, kv ...any)
	Warn(msg string, kv ...any)
	Error(msg string, kv ...any)
}

type nopLogger struct{}

func (nopLogger) Info(string, ...any)  {}
func (nopLogger) Warn(string, ...any)  {}
func (nopLogger) Error(string, ...any) {}

// Options configure a Detector.
type Options struct {
	Pool *pgxpool.Pool
	// Schema is the plugin schema (already migrated); store.DefaultSchema when empty.
	Schema string
	Config *slo.Config
	// Tables maps the log tables; empty names take the defaults.
	Tables slo.Tables
	// Notifiers by channel name: "slack", "pager", "email". A channel without one fails
	// its notifications permanently.
	Notifiers map[string]notify.Notifier
	// Interval between the leader's cycles; DefaultInterval when 0.
	Interval time.Duration
	// Clock is the detection clock; time.Now when nil.
	Clock func() time.Time
	// Logger receives the loop's events; nothing is logged when nil.
	Logger Logger
	// DashboardURL is linked from every notification.
	DashboardURL string
	// Backoff is the retry policy of failed deliveries; the zero value is notify's default.
	Backoff notify.Backoff
}

// Status is the detector's health: whether it leads, and how its last cycle went.
type Status struct {
	Leader bool
	// LastCycle is the clock's instant of the last cycle (zero before the first);
	// LastDuration how long it took.
	LastCycle    time.Time
	LastDuration time.Duration
	// LastError is the last cycle's error ("" when it succeeded).
	LastError string
}

// Detector runs the detection loop. Cycle and Drain are safe to call from one goroutine at
// a time; Status from any.
type Detector struct {
	pool      *pgxpool.Pool
	schema    string
	cfg       *slo.Config
	eng       *engine.Engine
	notifiers map[string]notify.Notifier
	interval  time.Duration
	clock     func() time.Time
	log       Logger
	dashboard string
	backoff   notify.Backoff

	mu     sync.Mutex
	status Status
}

// New returns a Detector. The schema must already be migrated (store.Migrate).
func New(opts Options) (*Detector, error) {
	if opts.Pool == nil {
		return nil, errors.New("detector: Pool is required")
	}
	if opts.Config == nil {
		return nil, errors.New("detector: Config is required")
	}
	schema := opts.Schema
	if schema == "" {
		schema = store.DefaultSchema
	}
	if err := store.ValidateSchema(schema); err != nil {
		return nil, err
	}
	clock := opts.Clock
	if clock == nil {
		clock = time.Now
	}
	eng, err := engine.New(opts.Pool, engine.Options{
		Schema: schema, Tables: opts.Tables, Config: opts.Config, Clock: clock, ManualRefresh: true,
	})
	if err != nil {
		return nil, err
	}
	d := &Detector{
		pool: opts.Pool, schema: schema, cfg: opts.Config, eng: eng,
		notifiers: opts.Notifiers, interval: opts.Interval, clock: clock, log: opts.Logger,
		dashboard: opts.DashboardURL, backoff: opts.Backoff,
	}
	if d.interval <= 0 {
		d.interval = DefaultInterval
	}
	if d.log == nil {
		d.log = nopLogger{}
	}
	return d, nil
}

// Status returns the detector's health.
func (d *Detector) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

func (d *Detector) setLeader(v bool) {
	d.mu.Lock()
	d.status.Leader = v
	d.mu.Unlock()
}

func (d *Detector) recordCycle(at time.Time, took time.Duration, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status.LastCycle = at
	d.status.LastDuration = took
	d.status.LastError = ""
	if err != nil {
		d.status.LastError = notify.RedactString(err.Error())
	}
}
