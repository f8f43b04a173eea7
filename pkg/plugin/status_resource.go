package plugin

import (
	"net/http"
)

// statusReport is the answer of GET status: the built-in detector's state, the plugin
// schema's version and the number of SLOs loaded. It never holds a secret. The detection loop
// (issue 5) adds its leader/standby role, last cycle and undeliverable notifications to
// detectionStatus.
type statusReport struct {
	Detection     detectionStatus `json:"detection"`
	SchemaVersion int32           `json:"schemaVersion"`
	SLOs          int             `json:"slos"`
}

// detectionStatus is the detector part of statusReport. Enabled is the data source's
// detectionEnabled setting; Running whether a loop runs in this instance; Reason why not.
type detectionStatus struct {
	Enabled bool   `json:"enabled"`
	Running bool   `json:"running"`
	Reason  string `json:"reason,omitempty"`
}

// detectionNotRunning is the reason the detector does not run in this version.
const detectionNotRunning = "not part of this version"

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
		Detection:     detectionStatus{Enabled: d.settings.DetectionEnabled, Running: false, Reason: detectionNotRunning},
		SchemaVersion: version,
		SLOs:          len(cfg.SLOs()),
	})
}
