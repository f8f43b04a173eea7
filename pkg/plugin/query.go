package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sloguard/sloguard/pkg/slo"
)

// queryModel is DataQuery.JSON as the query editor (src/types.ts) writes it. Empty service
// and slo select every SLO. The other fields belong to some query types and are ignored by
// the rest.
type queryModel struct {
	QueryType string `json:"queryType"`
	Service   string `json:"service"`
	SLO       string `json:"slo"`
	// Services and SLOs add names to Service and SLO: the values of a multi-value template
	// variable (the front end sends several picked values here).
	Services []string `json:"services"`
	SLOs     []string `json:"slos"`
	// Windows are burn_rate's look-back windows ("5m", "1h"); empty: defaultBurnRateWindows.
	Windows []string `json:"windows"`
	// Window is sli's rolling window ("5m" when empty).
	Window string `json:"window"`
	// Instant asks burn_rate for one value per series at the range end (a numeric frame).
	Instant bool `json:"instant"`
	// Percentiles are the response-time percentiles sli returns for latency SLOs, among
	// engine.PercentileLabels ("p95"); empty: all of them.
	Percentiles []string `json:"percentiles"`
	// Show selects what an annotations query returns: "incidents", "alerts" (state changes),
	// or both ("all" or empty).
	Show string `json:"show"`
}

// queryRequest is one query ready for its handler: the query and its parsed model, the SLOs
// it selects and the config they come from, and where the request comes from.
type queryRequest struct {
	query  backend.DataQuery
	model  queryModel
	slos   []slo.SLO
	config *slo.Config
	// fromAlert is set when Grafana alerting sent the request (fromAlert).
	fromAlert bool
}

type queryHandler func(ctx context.Context, d *Datasource, r queryRequest) backend.DataResponse

// queryHandlers routes by query type, like the SDK's QueryTypeMux, but with the SLO
// selection and model parsing done once for every type.
var queryHandlers = map[string]queryHandler{}

// QueryData answers every query on its own: a bad query gets an error response naming the
// field and the others still answer (partial success).
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	loaded := d.config.load()
	alert := fromAlert(req)
	answers := make([]backend.DataResponse, len(req.Queries))
	var wg sync.WaitGroup
	sem := make(chan struct{}, queryParallelism)
	for i, q := range req.Queries {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			answers[i] = failed(ctx.Err())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := recovered(func() { answers[i] = d.query(ctx, q, loaded, alert) }); err != nil {
				answers[i] = failed(err)
			}
		}()
	}
	wg.Wait()
	resp := backend.NewQueryDataResponse()
	for i, q := range req.Queries {
		resp.Responses[q.RefID] = answers[i]
	}
	return resp, nil
}

// recovered runs fn and turns a panic into an error, so that a bug in one query answers
// that query with an error instead of ending the plugin process (queries run on goroutines
// of their own, outside the SDK's recovery).
func recovered(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			log.DefaultLogger.Error("Query panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	fn()
	return nil
}

// tableQueryTypes answer table frames, which Grafana alert rules cannot read.
var tableQueryTypes = map[string]bool{"slo_status": true, "alerts": true, "incidents": true, "annotations": true}

// queryParallelism is how many queries of one request run at once (a dashboard panel's
// queries arrive in one request); each may use seriesParallelism connections.
const queryParallelism = 3

// fromAlert reports whether Grafana alerting sent req: it sets the header FromAlert: true
// (backend.FromAlertHeaderName) on every query it evaluates, and no user
// (PluginContext.User is nil). The header is the signal; a missing user alone also means
// other server-side callers.
func fromAlert(req *backend.QueryDataRequest) bool {
	v, ok := req.Headers[backend.FromAlertHeaderName]
	if !ok {
		v = req.GetHTTPHeader(backend.FromAlertHeaderName)
	}
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

func (d *Datasource) query(ctx context.Context, q backend.DataQuery, loaded loadedConfig, fromAlert bool) backend.DataResponse {
	if d.settingsErr != nil {
		return badRequest("invalid data source settings: " + oneLine(d.settingsErr))
	}
	var m queryModel
	if err := json.Unmarshal(q.JSON, &m); err != nil {
		return badRequest(fieldError("query", err).Error())
	}
	if m.QueryType == "" {
		m.QueryType = q.QueryType
	}
	h, ok := queryHandlers[m.QueryType]
	if !ok {
		return badRequest(fmt.Sprintf("queryType: unknown query type %q; use one of %s", m.QueryType, strings.Join(queryTypes(), ", ")))
	}
	if fromAlert && tableQueryTypes[m.QueryType] {
		return badRequest(fmt.Sprintf("queryType: %s answers a table, which alert rules cannot read; use burn_rate (one value per SLO and window), error_budget or sli", m.QueryType))
	}
	if loaded.err != nil {
		return badRequest(loaded.err.Error())
	}
	if loaded.cfg == nil {
		return badRequest("SLO config: " + joinDiags(loaded.diags.Errors()))
	}
	slos, err := selectSLOs(loaded.cfg, names(m.Service, m.Services), names(m.SLO, m.SLOs))
	if err != nil {
		return badRequest(err.Error())
	}
	return h(ctx, d, queryRequest{query: q, model: m, slos: slos, config: loaded.cfg, fromAlert: fromAlert})
}

// selectSLOs picks the SLOs of services named names; no services select every service, no
// names every SLO of the selected services. Every service and name given must exist.
func selectSLOs(cfg *slo.Config, services, names []string) ([]slo.SLO, error) {
	for _, name := range services {
		if !slices.ContainsFunc(cfg.Services, func(s slo.Service) bool { return s.Name == name }) {
			return nil, fmt.Errorf("service: no service %q in the SLO config", name)
		}
	}
	var out []slo.SLO
	matched := map[string]bool{}
	for _, s := range cfg.Services {
		if len(services) > 0 && !slices.Contains(services, s.Name) {
			continue
		}
		for _, o := range s.SLOs {
			if len(names) == 0 || slices.Contains(names, o.Name) {
				out = append(out, o)
				matched[o.Name] = true
			}
		}
	}
	for _, name := range names {
		if !matched[name] {
			return nil, fmt.Errorf("slo: no SLO %q in the SLO config%s", name, forService(services))
		}
	}
	return out, nil
}

// names is the list form of a query's one name (service or slo) and its list (services or
// slos, a multi-value template variable): the non-empty ones, without duplicates.
func names(one string, list []string) []string {
	var out []string
	for _, n := range append([]string{one}, list...) {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func forService(services []string) string {
	switch len(services) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" for service %q", services[0])
	}
	return fmt.Sprintf(" for services %q", services)
}

func queryTypes() []string {
	names := make([]string, 0, len(queryHandlers))
	for n := range queryHandlers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// fieldError turns a JSON decoding error into one that names the field under prefix.
func fieldError(prefix string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("%s.%s: must be a %s, got a JSON %s", prefix, te.Field, te.Type, te.Value)
	}
	return fmt.Errorf("%s: not valid JSON: %w", prefix, err)
}

func badRequest(msg string) backend.DataResponse {
	return backend.ErrDataResponse(backend.StatusBadRequest, msg)
}

// failed reports a handler's error: a database or network failure as a downstream error, so
// Grafana does not blame the plugin for it; anything else as the plugin's own.
func failed(err error) backend.DataResponse {
	if isDownstream(err) {
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, oneLine(err))
	}
	return backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, oneLine(err))
}

// isDownstream tells errors of PostgreSQL or the way to it from SLOGuard's own.
func isDownstream(err error) bool {
	var pgErr *pgconn.PgError
	var connErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &pgErr) || errors.As(err, &connErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err)
}
