package plugin

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func TestContractCheckHealth(t *testing.T) {
	tp, db := contractSetup(t)
	closedPort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}()

	tests := []struct {
		name       string
		edit       func(js map[string]any, secure map[string]string)
		setup      func(t *testing.T) *storetest.DB // a database of the case's own; nil = db
		wantStatus backend.HealthStatus
		want       []string
	}{
		{
			name:       "a reachable database with both log tables and a valid config is healthy",
			wantStatus: backend.HealthStatusOk,
			want:       []string{"PostgreSQL 1", fmt.Sprintf("plugin schema %s at version %d of %d", db.PluginSchema, store.LatestVersion(), store.LatestVersion()), "SLO config: 2 services, 4 SLOs", "have the configured columns"},
		},
		{
			name:       "a database that does not answer is reported with host and port",
			edit:       func(js map[string]any, _ map[string]string) { js["port"] = closedPort },
			wantStatus: backend.HealthStatusError,
			want:       []string{"Cannot reach PostgreSQL at 127.0.0.1:" + strconv.Itoa(closedPort)},
		},
		{
			name:       "a database that does not exist is named",
			edit:       func(js map[string]any, _ map[string]string) { js["database"] = "no_such_db_sloguard" },
			wantStatus: backend.HealthStatusError,
			want:       []string{`has no database "no_such_db_sloguard"`},
		},
		{
			name: "a missing journey table is named",
			edit: func(js map[string]any, _ map[string]string) {
				js["journeyLogs"] = map[string]any{"table": db.Schema + ".journeys_missing"}
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"table " + db.Schema + ".journeys_missing does not exist"},
		},
		{
			name: "a missing column is named with its role",
			setup: func(t *testing.T) *storetest.DB {
				other := storetest.New(t)
				other.CreateLogTables(t)
				other.Exec(t, "ALTER TABLE request_logs DROP COLUMN response_time_ms")
				return other
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"has no column response_time_ms (the response_time_ms column)"},
		},
		{
			name: "a mapped column of the wrong type is named",
			edit: func(js map[string]any, _ map[string]string) {
				js["requestLogs"] = map[string]any{"table": db.Schema + ".request_logs", "statusCode": "service"}
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"column " + db.Schema + ".request_logs.service is text; the status_code column must be one of"},
		},
		{
			name: "an invalid SLO config lists its errors with their paths",
			edit: func(js map[string]any, _ map[string]string) {
				js["sloConfig"] = strings.Replace(contractConfig, "target: 99.9", "target: -1", 1)
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"SLO config has 1 error", "services.payment_service.availability.target"},
		},
		{
			name:       "no SLO config at all says where to set one",
			edit:       func(js map[string]any, _ map[string]string) { delete(js, "sloConfig") },
			wantStatus: backend.HealthStatusError,
			want:       []string{"no SLO config: set jsonData.sloConfig"},
		},
		{
			name: "an SLO config file that does not exist is named",
			edit: func(js map[string]any, _ map[string]string) {
				delete(js, "sloConfig")
				js["sloConfigPath"] = "/nonexistent/slo.yaml"
			},
			wantStatus: backend.HealthStatusError,
			want:       []string{"SLO config file /nonexistent/slo.yaml: no such file or directory"},
		},
		{
			name:       "invalid settings name the field",
			edit:       func(js map[string]any, _ map[string]string) { js["sslMode"] = "sometimes" },
			wantStatus: backend.HealthStatusError,
			want:       []string{"Invalid settings: jsonData.sslMode: must be one of"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := db
			if tt.setup != nil {
				target = tt.setup(t)
			}
			js := healthyJSONData(target)
			secure := map[string]string{"password": db.Conn.Password}
			if tt.edit != nil {
				tt.edit(js, secure)
			}
			res, err := tp.Client.CheckHealth(context.Background(), &backend.CheckHealthRequest{PluginContext: pluginContext(t, js, secure)})
			if err != nil {
				t.Fatalf("CheckHealth: %v", err)
			}
			if res.Status != tt.wantStatus {
				t.Errorf("status = %v, want %v (message %q)", res.Status, tt.wantStatus, res.Message)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Message, w) {
					t.Errorf("message %q does not contain %q", res.Message, w)
				}
			}
			assertNoSecrets(t, "health message", res.Message)
			assertNoSecrets(t, "health details", string(res.JSONDetails))
		})
	}
}

func TestContractCheckHealthWrongPassword(t *testing.T) {
	tp, db := contractSetup(t)
	if storetest.AcceptsAnyPassword(t) {
		storetest.Unavailable(t, "the test database does not check passwords (trust authentication)")
	}

	tests := []struct {
		name       string
		password   string
		wantStatus backend.HealthStatus
		want       string
	}{
		{"a wrong password is reported as such and never echoed", "wrong-password-secret", backend.HealthStatusError, "rejected the password: check the password"},
		{"the right password of the same user is healthy", db.Conn.Password, backend.HealthStatusOk, "PostgreSQL 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tp.Client.CheckHealth(context.Background(), &backend.CheckHealthRequest{
				PluginContext: pluginContext(t, healthyJSONData(db), map[string]string{"password": tt.password}),
			})
			if err != nil {
				t.Fatalf("CheckHealth: %v", err)
			}
			if res.Status != tt.wantStatus || !strings.Contains(res.Message, tt.want) {
				t.Errorf("got %v %q, want %v containing %q", res.Status, res.Message, tt.wantStatus, tt.want)
			}
			assertNoSecrets(t, "health message", res.Message, tt.password)
			assertNoSecrets(t, "health details", string(res.JSONDetails), tt.password)
		})
	}
}
