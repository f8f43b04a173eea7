package plugin

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/store"
)

// statusReport is the answer of GET status: the built-in detector's state, the plugin
// schema's version and the number of SLOs loaded. It never holds a secret.
type statusReport struct {
	Detection     detectionStatus `json:"detection"`
	SchemaVersion int32           `json:"schemaVersion"`
	SLOs          int             `json:"slos"`
}

// detectionStatus is the detector part of statusReport and of CheckHealth's detection line.
// Enabled is the data source's detectionEnabled setting; Running whether a loop runs in this
// instance (Reason why not); Leader whether this instance holds the leader lock (a running
// loop that does not is a standby); LastCycle and LastDurationMS its last cycle as leader and
// LastError that cycle's error (redacted); Undeliverable the notifications that failed
// permanently and Waiting those not yet sent (nil when they could not be counted);
// Notifiers the active channels and NotifierProblems the configured ones that are unusable.
type detectionStatus struct {
	Enabled          bool       `json:"enabled"`
	Running          bool       `json:"running"`
	Reason           string     `json:"reason,omitempty"`
	Leader           bool       `json:"leader"`
	LastCycle        *time.Time `json:"lastCycle,omitempty"`
	LastDurationMS   *float64   `json:"lastDurationMs,omitempty"`
	LastError        string     `json:"lastError,omitempty"`
	Undeliverable    *int64     `json:"undeliverableNotifications,omitempty"`
	Waiting          *int64     `json:"waitingNotifications,omitempty"`
	Notifiers        []string   `json:"notifiers,omitempty"`
	NotifierProblems []string   `json:"notifierProblems,omitempty"`
}

// detectionOff is the reason no loop runs when detectionEnabled is off.
const detectionOff = "detectionEnabled is off"

// detectionStatus reports the instance's detection loop. Counting the outbox needs the
// database; when that fails the counts are left out.
func (d *Datasource) detectionStatus(ctx context.Context) detectionStatus {
	st := detectionStatus{Enabled: d.settings.DetectionEnabled}
	det := d.detection
	switch {
	case !st.Enabled:
		st.Reason = detectionOff
		return st
	case det == nil:
		st.Reason = "not started"
		return st
	}
	st.Notifiers, st.NotifierProblems = det.notifiers, det.problems
	if det.det == nil {
		st.Reason = "not started: " + notify.RedactString(oneLine(det.startErr))
		return st
	}
	st.Running = true
	s := det.det.Status()
	st.Leader = s.Leader
	if !s.LastCycle.IsZero() {
		at, ms := s.LastCycle.UTC(), float64(s.LastDuration.Microseconds())/1000
		st.LastCycle, st.LastDurationMS = &at, &ms
	}
	st.LastError = notify.RedactString(s.LastError)
	if d.pool != nil {
		if counts, err := store.CountOutbox(ctx, d.pool, d.settings.Schema); err == nil {
			st.Undeliverable, st.Waiting = &counts.Failed, &counts.Waiting
		}
	}
	return st
}

// healthCheck renders the detection status as CheckHealth's detection line. It fails when
// the loop could not start, its last cycle failed or a configured channel is unusable;
// undeliverable notifications are counted (they stay in the outbox) without failing it.
func (st detectionStatus) healthCheck() healthCheck {
	c := healthCheck{Name: "detection"}
	if !st.Running {
		c.Message = "detection: not running: " + st.Reason
		return c
	}
	var parts []string
	if st.Leader {
		parts = append(parts, "detection: leader")
	} else {
		parts = append(parts, "detection: standby (another process holds the leader lock, or the lock is being taken)")
	}
	if st.LastCycle != nil {
		parts = append(parts, fmt.Sprintf("last cycle %s took %.0f ms", st.LastCycle.Format(time.RFC3339), *st.LastDurationMS))
	} else {
		parts = append(parts, "no cycle yet")
	}
	if st.LastError != "" {
		parts = append(parts, "last error: "+st.LastError)
	}
	if st.Undeliverable != nil {
		parts = append(parts, fmt.Sprintf("%d undeliverable %s", *st.Undeliverable, plural(int(*st.Undeliverable), "notification", "notifications")))
	}
	if len(st.Notifiers) > 0 {
		parts = append(parts, "notifiers: "+strings.Join(st.Notifiers, ", "))
	} else {
		parts = append(parts, "no notifier configured")
	}
	if len(st.NotifierProblems) > 0 {
		parts = append(parts, "unusable channels: "+strings.Join(st.NotifierProblems, "; "))
	}
	c.Message = strings.Join(parts, ", ")
	c.OK = st.LastError == "" && len(st.NotifierProblems) == 0
	return c
}

// handleStatus serves GET status. It migrates the plugin schema if no request has yet (so
// the version is the one the queries use); invalid settings, a database that cannot be
// reached and an unusable SLO config are 503s that say which.
func (d *Datasource) handleStatus(w http.ResponseWriter, r *http.Request) {
	if d.settingsErr != nil {
		writeError(w, http.StatusServiceUnavailable, "invalid data source settings: "+oneLine(d.settingsErr))
		return
	}
	cfg, ok := d.currentConfig(w)
	if !ok {
		return
	}
	version, err := d.ensureSchema(r.Context())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, oneLine(err))
		return
	}
	writeJSON(w, http.StatusOK, statusReport{
		Detection:     d.detectionStatus(r.Context()),
		SchemaVersion: version,
		SLOs:          len(cfg.SLOs()),
	})
}
