package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental/datasourcetest"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// contractConfig is the stack's SLO config (the seed's example, with the registration
// journey's steps): 2 services, 4 SLOs, reading both log tables.
var contractConfig = func() string {
	data, err := os.ReadFile(filepath.Join(repoRoot, "provisioning/sloguard/slo.yaml"))
	if err != nil {
		panic(err)
	}
	return string(data)
}()

// The secrets every contract case configures; none may appear in any answer.
var contractSecrets = map[string]string{
	"slackWebhookUrl":     "https://hooks.example.invalid/services/TSECRET/BSECRET/slack-webhook-secret",
	"slackBotToken":       "xoxb-bot-token-secret",
	"pagerDutyRoutingKey": "pagerduty-routing-key-secret",
	"smtpPassword":        "smtp-password-secret",
}

// served is the plugin served over real gRPC, as Grafana runs it. The SDK registers its
// metrics globally, so one process serves it once, for every contract test (TestMain).
var served datasourcetest.TestPlugin

func TestMain(m *testing.M) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	addr := l.Addr().String()
	_ = l.Close()
	served, err = datasourcetest.Manage(NewDatasource, datasourcetest.ManageOpts{Address: addr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve plugin:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = served.Shutdown()
	os.Exit(code)
}

// contractSetup gives a test the served plugin and a database of its own with the log
// tables.
func contractSetup(t *testing.T) (*datasourcetest.TestPlugin, *storetest.DB) {
	t.Helper()
	db := storetest.New(t)
	db.CreateLogTables(t)
	return &served, db
}

// callResource sends one resource request over gRPC the way Grafana forwards it and returns
// the answer.
func callResource(t *testing.T, pc backend.PluginContext, method, url, body string) *backend.CallResourceResponse {
	t.Helper()
	path, _, _ := strings.Cut(url, "?")
	var got *backend.CallResourceResponse
	err := served.Client.CallResource(context.Background(), &backend.CallResourceRequest{
		PluginContext: pc, Path: path, Method: method, URL: url, Body: []byte(body),
	}, backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
		got = r
		return nil
	}))
	if err != nil {
		t.Fatalf("CallResource: %v", err)
	}
	if got == nil {
		t.Fatal("no response")
	}
	return got
}

// healthyContext is the PluginContext of a healthy data source on db.
func healthyContext(t *testing.T, db *storetest.DB) backend.PluginContext {
	t.Helper()
	return pluginContext(t, healthyJSONData(db), map[string]string{"password": db.Conn.Password})
}

var uidSeq atomic.Int64

// pluginContext is the PluginContext Grafana sends for one data source. Every call gets a
// fresh UID so that each case builds its own instance.
func pluginContext(t *testing.T, jsonData map[string]any, secure map[string]string) backend.PluginContext {
	t.Helper()
	raw, err := json.Marshal(jsonData)
	if err != nil {
		t.Fatal(err)
	}
	sec := map[string]string{}
	for k, v := range contractSecrets {
		sec[k] = v
	}
	for k, v := range secure {
		sec[k] = v
	}
	uid := "contract-" + strconv.FormatInt(uidSeq.Add(1), 10)
	return backend.PluginContext{
		PluginID: ID,
		OrgID:    1,
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			UID: uid, Name: uid, Type: ID, JSONData: raw, DecryptedSecureJSONData: sec,
		},
	}
}

// healthyJSONData points a data source at the test database's log tables.
func healthyJSONData(db *storetest.DB) map[string]any {
	return map[string]any{
		"host": db.Conn.Host, "port": db.Conn.Port, "database": db.Conn.Database, "user": db.Conn.User,
		"sslMode": "disable", "schema": db.PluginSchema, "connectTimeout": 5,
		"sloConfig":   contractConfig,
		"requestLogs": map[string]any{"table": db.Schema + ".request_logs"},
		"journeyLogs": map[string]any{"table": db.Schema + ".user_journey_logs"},
	}
}

func assertNoSecrets(t *testing.T, what, text string, extra ...string) {
	t.Helper()
	for _, s := range contractSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s reveals a secret: %s", what, text)
		}
	}
	for _, s := range extra {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s reveals a secret: %s", what, text)
		}
	}
}
