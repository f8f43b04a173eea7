package plugin

import (
	"net/http"
	"strings"
	"testing"
)

func TestContractCallResource(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)

	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		want       []string
	}{
		{"services lists every service with its SLO count", http.MethodGet, "services", "", 200, []string{`"name":"payment_service"`, `"slos":2`, `"name":"user_api"`}},
		{"slos of one service give type, objective as a ratio and window", http.MethodGet, "slos?service=payment_service", "", 200, []string{`"slo":"availability"`, `"objective":0.999`, `"window":"30d"`, `"sliType":"latency"`, `"thresholdMs":200`}},
		{"slos of an unknown service is a 404 naming it", http.MethodGet, "slos?service=nope", "", 404, []string{`no service \"nope\"`}},
		{"validate reports a valid config with counts", http.MethodPost, "validate", contractConfig, 200, []string{`"valid":true`, `"services":2`, `"slos":4`}},
		{"validate reports errors with path and line", http.MethodPost, "validate", "services:\n  a:\n    b:\n      target: 0\n      window: 30d\n      sli_type: success_rate\n", 200, []string{`"valid":false`, `"path":"services.a.b.target"`, `"line":4`}},
		{"an unknown resource is a 404", http.MethodGet, "nothing", "", 404, nil},
		{"a wrong method is a 405", http.MethodGet, "validate", "", 405, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := callResource(t, pc, tt.method, tt.path, tt.body)
			if got.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %s)", got.Status, tt.wantStatus, got.Body)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got.Body), w) {
					t.Errorf("body %s does not contain %s", got.Body, w)
				}
			}
			assertNoSecrets(t, "resource body", string(got.Body))
		})
	}
}
