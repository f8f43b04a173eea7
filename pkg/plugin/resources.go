package plugin

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/sloguard/sloguard/pkg/slo"
)

// maxValidateBody bounds the YAML a validate request may send.
const maxValidateBody = 1 << 20

func (d *Datasource) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /services", d.handleServices)
	mux.HandleFunc("GET /slos", d.handleSLOs)
	mux.HandleFunc("POST /validate", handleValidate)
	mux.HandleFunc("GET /status", d.handleStatus)
}

// serviceInfo is one service for editors and template variables.
type serviceInfo struct {
	Name    string `json:"name"`
	LogName string `json:"logName"`
	SLOs    int    `json:"slos"`
}

// sloInfo is one SLO for editors and template variables. Objective is a ratio.
type sloInfo struct {
	Service     string      `json:"service"`
	SLO         string      `json:"slo"`
	SLIType     slo.SLIType `json:"sliType"`
	Objective   float64     `json:"objective"`
	Window      string      `json:"window"`
	ThresholdMS float64     `json:"thresholdMs,omitempty"`
	Journey     string      `json:"journey,omitempty"`
	AlertRules  []string    `json:"alertRules"`
}

func (d *Datasource) handleServices(w http.ResponseWriter, _ *http.Request) {
	cfg, ok := d.currentConfig(w)
	if !ok {
		return
	}
	out := make([]serviceInfo, 0, len(cfg.Services))
	for _, s := range cfg.Services {
		out = append(out, serviceInfo{Name: s.Name, LogName: s.LogName, SLOs: len(s.SLOs)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Datasource) handleSLOs(w http.ResponseWriter, r *http.Request) {
	cfg, ok := d.currentConfig(w)
	if !ok {
		return
	}
	slos, err := selectSLOs(cfg, names(r.URL.Query().Get("service"), nil), nil)
	if err != nil {
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	out := make([]sloInfo, 0, len(slos))
	for _, o := range slos {
		out = append(out, sloInfo{
			Service: o.Service, SLO: o.Name, SLIType: o.Type, Objective: o.Objective,
			Window: o.WindowText, ThresholdMS: o.ThresholdMS, Journey: o.Journey, AlertRules: o.AlertRules,
		})
	}
	writeJSON(w, http.StatusOK, out)
}

// validateResult is the answer of POST validate: counts of what would load and every
// diagnostic with its path and position.
type validateResult struct {
	Valid       bool           `json:"valid"`
	Services    int            `json:"services"`
	SLOs        int            `json:"slos"`
	Diagnostics []diagnosticJS `json:"diagnostics"`
}

type diagnosticJS struct {
	Severity slo.Severity `json:"severity"`
	Path     string       `json:"path"`
	Line     int          `json:"line,omitempty"`
	Column   int          `json:"column,omitempty"`
	Message  string       `json:"message"`
}

func handleValidate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxValidateBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "body: the SLO config is larger than 1 MiB")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	cfg, diags := slo.Parse(body)
	res := validateResult{Valid: !diags.HasErrors(), Diagnostics: make([]diagnosticJS, 0, len(diags))}
	if cfg != nil {
		res.Services, res.SLOs = len(cfg.Services), len(cfg.SLOs())
	}
	for _, dg := range diags {
		res.Diagnostics = append(res.Diagnostics, diagnosticJS{
			Severity: dg.Severity, Path: dg.Path, Line: dg.Line, Column: dg.Column, Message: dg.Message,
		})
	}
	writeJSON(w, http.StatusOK, res)
}

// currentConfig loads the SLO config for a resource, answering 503 when it cannot be read.
func (d *Datasource) currentConfig(w http.ResponseWriter) (*slo.Config, bool) {
	l := d.config.load()
	switch {
	case l.err != nil:
		writeError(w, http.StatusServiceUnavailable, l.err.Error())
		return nil, false
	case l.cfg == nil:
		writeError(w, http.StatusServiceUnavailable, "SLO config: "+joinDiags(l.diags.Errors()))
		return nil, false
	}
	return l.cfg, true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
