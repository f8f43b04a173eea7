package detector

import (
	"context"
	"testing"
	"time"
)

// lockHolder returns the backend pid holding the detector lock of schema, 0 when none.
func lockHolder(t *testing.T, e *env) int {
	t.Helper()
	var pid int
	err := e.db.Pool.QueryRow(context.Background(), `
		SELECT coalesce((SELECT pid FROM pg_locks
		 WHERE locktype = 'advisory' AND granted AND objsubid = 1
		   AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($1, 0)), 0)`,
		LockKey(e.db.PluginSchema)).Scan(&pid)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func TestLeaderThatLosesItsConnectionStepsDownAndRetakesTheLock(t *testing.T) {
	e := newEnv(t)
	e.traffic(t, 0, 60, 100, false)
	e.at(60)
	log := &recLogger{}
	d := e.detector(t, func(o *Options) { o.Interval = 20 * time.Millisecond; o.Logger = log })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = d.Run(ctx)
	}()
	defer func() { cancel(); <-done }()

	waitFor(t, "leadership", func() bool { return d.Status().Leader && lockHolder(t, e) != 0 })
	first := lockHolder(t, e)
	e.db.Exec(t, `SELECT pg_terminate_backend($1)`, first)
	waitFor(t, "step down", func() bool { return log.count("stepping down") > 0 })
	waitFor(t, "new lock session", func() bool {
		pid := lockHolder(t, e)
		return pid != 0 && pid != first && d.Status().Leader
	})
	if log.count("became leader") < 2 {
		t.Errorf("became leader %d times, want 2", log.count("became leader"))
	}

	cancel()
	<-done
	if d.Status().Leader {
		t.Error("Status reports leader after Run returned")
	}
	waitFor(t, "the lock released", func() bool { return lockHolder(t, e) == 0 })
}
