package detector

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// LockKey is the name of the session advisory lock the leader holds:
// pg_try_advisory_lock(hashtextextended(LockKey(schema), 0)). One leader per plugin schema.
func LockKey(schema string) string { return "sloguard.detector:" + schema }

// closeTimeout bounds closing the lock connection.
const closeTimeout = 5 * time.Second

// Run is the detection loop. Every Interval it makes sure it holds the leader lock, a
// session advisory lock on a dedicated connection, and, as leader only, runs Cycle and
// Drain. A standby tries to take the lock every Interval, so it takes over when the leader
// dies (its session ends and PostgreSQL releases the lock). When the lock connection fails,
// the detector steps down and retries. A failing cycle is logged and recorded in Status,
// never the end of the loop. Run returns when ctx is done, releasing the lock.
func (d *Detector) Run(ctx context.Context) error {
	var conn *pgx.Conn
	defer func() {
		// No longer leader before the lock is released: the standby may take it at once,
		// and two detectors must never both report leader.
		d.setLeader(false)
		if conn != nil {
			d.closeLock(conn)
		}
	}()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		var leader bool
		conn, leader = d.lead(ctx, conn)
		if leader {
			d.runOnce(ctx)
		}
		timer.Reset(d.interval)
	}
}

// lead returns the lock connection (nil when it could not be kept) and whether this
// detector is the leader.
func (d *Detector) lead(ctx context.Context, conn *pgx.Conn) (*pgx.Conn, bool) {
	wasLeader := d.Status().Leader
	if conn == nil {
		c, err := d.pool.Acquire(ctx)
		if err != nil {
			d.stepDown(wasLeader, "acquire lock connection", err)
			return nil, false
		}
		conn = c.Hijack() // ours alone: the session holds the lock
		wasLeader = false
	}
	if wasLeader {
		// Still leader as long as the session lives.
		if _, err := conn.Exec(ctx, "SELECT 1"); err != nil {
			d.stepDown(true, "lock connection lost", err)
			d.closeLock(conn)
			return nil, false
		}
		return conn, true
	}
	var got bool
	err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", LockKey(d.schema)).Scan(&got)
	if err != nil {
		d.closeLock(conn)
		d.stepDown(false, "try leader lock", err)
		return nil, false
	}
	if got {
		d.setLeader(true)
		d.log.Info("detector: became leader", "schema", d.schema)
	}
	return conn, got
}

func (d *Detector) stepDown(wasLeader bool, what string, err error) {
	d.setLeader(false)
	if errors.Is(err, context.Canceled) {
		return
	}
	if wasLeader {
		d.log.Warn("detector: stepping down", "reason", what, "error", err.Error())
		return
	}
	d.log.Warn("detector: standby", "reason", what, "error", err.Error())
}

func (d *Detector) closeLock(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_ = conn.Close(ctx) // ends the session, which releases the lock
}

// runOnce is one leader tick: Cycle, then Drain (even when some SLO failed: what was
// queued is sent).
func (d *Detector) runOnce(ctx context.Context) {
	at := d.clock()
	start := time.Now() // duration only: a monotonic measurement, not detection logic
	cerr := d.Cycle(ctx)
	derr := d.Drain(ctx)
	err := errors.Join(cerr, derr)
	if err != nil && ctx.Err() == nil {
		d.log.Error("detector: cycle failed", "error", err.Error())
	}
	d.recordCycle(at, time.Since(start), err)
}
