package plugin

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental/datasourcetest"

	"github.com/sloguard/sloguard/pkg/store/storetest"
)

// contractConfig is an SLO config that reads both log tables.
const contractConfig = `
services:
  payment_service:
    availability:
      target: 99.9
      window: 30d
      sli_type: success_rate
    latency:
      target: 200
      percentile: 95
      window: 30d
      sli_type: latency
  user_api:
    user_journey:
      target: 99.5
      window: 7d
      sli_type: user_journey
      journey_name: "user_registration"
`

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

func servePlugin(*testing.T) *datasourcetest.TestPlugin { return &served }

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
