package plugin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
)

// Settings is a data source's configuration, parsed once per instance from jsonData and
// secureJsonData, with defaults applied.
type Settings struct {
	// DB holds the connection settings, including the password from secureJsonData.
	DB store.PoolConfig
	// Schema is the plugin-owned schema for rollups, alert state and incidents.
	Schema string
	// SLOConfig is inline SLO YAML; SLOConfigPath a file on the Grafana server. At most one.
	SLOConfig     string
	SLOConfigPath string
	// Tables is the log-table mapping as set in jsonData, without defaults: its fields win
	// over the SLO config's `tables:` section, which wins over the defaults
	// (Datasource.tables).
	Tables            slo.Tables
	DetectionEnabled  bool
	DetectionInterval time.Duration
	Secrets           Secrets
	// Notify holds the notification channels' non-secret settings; the SLO config's
	// alert_channels section fills what they leave empty (BuildNotifiers).
	Notify NotifySettings
	// DashboardURL is linked from every notification.
	DashboardURL string
}

// NotifySettings are the notification channels' settings from jsonData. The credentials are
// in Secrets.
type NotifySettings struct {
	// SlackChannel is the channel a bot token (slackBotToken) posts to.
	SlackChannel string
	// PagerDutyEndpoint is the Events API v2 base URL; "" is the default (US) region.
	PagerDutyEndpoint string
	// SMTPHost, SMTPPort and SMTPTLS (starttls, starttls_opportunistic, tls or none) reach
	// the mail server; SMTPUser logs in with the secret smtpPassword.
	SMTPHost       string
	SMTPPort       int
	SMTPTLS        string
	SMTPUser       string
	SMTPFrom       string
	SMTPRecipients []string
}

// Secrets are the notification credentials from secureJsonData. They are handed to the
// notifiers and nowhere else; String keeps them out of any formatted output.
type Secrets struct {
	SlackWebhookURL     string
	SlackBotToken       string
	PagerDutyRoutingKey string
	SMTPPassword        string
}

// String reports which secrets are set, never their values.
func (s Secrets) String() string {
	var set []string
	for name, v := range map[string]string{
		"slackWebhookUrl": s.SlackWebhookURL, "slackBotToken": s.SlackBotToken,
		"pagerDutyRoutingKey": s.PagerDutyRoutingKey, "smtpPassword": s.SMTPPassword,
	} {
		if v != "" {
			set = append(set, name)
		}
	}
	slices.Sort(set)
	return "secrets set: [" + strings.Join(set, " ") + "]"
}

// GoString keeps secrets out of %#v as well.
func (s Secrets) GoString() string { return s.String() }

// Defaults and limits of the settings.
const (
	defaultHost              = "localhost"
	defaultPort              = 5432
	defaultSSLMode           = "prefer"
	defaultMaxOpenConns      = 10
	defaultConnectTimeout    = 10 * time.Second
	defaultQueryTimeout      = 30 * time.Second
	defaultDetectionInterval = 60 * time.Second
	minDetectionInterval     = 10 * time.Second
)

var sslModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// jsonSettings is jsonData as the front end (src/types.ts) and provisioning write it.
type jsonSettings struct {
	Host              string           `json:"host"`
	Port              int              `json:"port"`
	Database          string           `json:"database"`
	User              string           `json:"user"`
	SSLMode           string           `json:"sslMode"`
	Schema            string           `json:"schema"`
	SLOConfig         string           `json:"sloConfig"`
	SLOConfigPath     string           `json:"sloConfigPath"`
	RequestLogs       slo.RequestTable `json:"requestLogs"`
	JourneyLogs       slo.JourneyTable `json:"journeyLogs"`
	DetectionEnabled  bool             `json:"detectionEnabled"`
	DetectionInterval string           `json:"detectionInterval"`
	MaxOpenConns      int              `json:"maxOpenConns"`
	ConnectTimeout    int              `json:"connectTimeout"`
	QueryTimeout      int              `json:"queryTimeout"`
	SlackChannel      string           `json:"slackChannel"`
	PagerDutyEndpoint string           `json:"pagerDutyEndpoint"`
	SMTPHost          string           `json:"smtpHost"`
	SMTPPort          int              `json:"smtpPort"`
	SMTPTLS           string           `json:"smtpTLS"`
	SMTPUser          string           `json:"smtpUser"`
	SMTPFrom          string           `json:"smtpFrom"`
	SMTPRecipients    []string         `json:"smtpRecipients"`
	DashboardURL      string           `json:"dashboardUrl"`
}

// smtpTLSModes are the values of jsonData.smtpTLS ("" is starttls).
var smtpTLSModes = []string{"starttls", "starttls_opportunistic", "tls", "none"}

// LoadSettings parses and validates a data source's settings. Every invalid field is
// reported, each naming the field (jsonData.port: ...); secrets never appear in the errors.
func LoadSettings(ds backend.DataSourceInstanceSettings) (Settings, error) {
	var js jsonSettings
	if len(bytes.TrimSpace(ds.JSONData)) > 0 {
		if err := json.Unmarshal(ds.JSONData, &js); err != nil {
			return Settings{}, fieldError("jsonData", err)
		}
	}
	sec := ds.DecryptedSecureJSONData
	s := Settings{
		DB: store.PoolConfig{
			Host:             or(js.Host, defaultHost),
			Port:             orInt(js.Port, defaultPort),
			Database:         js.Database,
			User:             js.User,
			Password:         sec["password"],
			SSLMode:          or(js.SSLMode, defaultSSLMode),
			MaxConns:         int32(orInt(js.MaxOpenConns, defaultMaxOpenConns)),
			ConnectTimeout:   orSeconds(js.ConnectTimeout, defaultConnectTimeout),
			StatementTimeout: orSeconds(js.QueryTimeout, defaultQueryTimeout),
		},
		Schema:           or(js.Schema, store.DefaultSchema),
		SLOConfig:        js.SLOConfig,
		SLOConfigPath:    strings.TrimSpace(js.SLOConfigPath),
		Tables:           slo.Tables{Requests: js.RequestLogs, Journeys: js.JourneyLogs},
		DetectionEnabled: js.DetectionEnabled,
		Secrets: Secrets{
			SlackWebhookURL:     sec["slackWebhookUrl"],
			SlackBotToken:       sec["slackBotToken"],
			PagerDutyRoutingKey: sec["pagerDutyRoutingKey"],
			SMTPPassword:        sec["smtpPassword"],
		},
		Notify: NotifySettings{
			SlackChannel:      strings.TrimSpace(js.SlackChannel),
			PagerDutyEndpoint: strings.TrimSpace(js.PagerDutyEndpoint),
			SMTPHost:          strings.TrimSpace(js.SMTPHost),
			SMTPPort:          js.SMTPPort,
			SMTPTLS:           strings.TrimSpace(js.SMTPTLS),
			SMTPUser:          strings.TrimSpace(js.SMTPUser),
			SMTPFrom:          strings.TrimSpace(js.SMTPFrom),
		},
		DashboardURL: strings.TrimSpace(js.DashboardURL),
	}
	for _, r := range js.SMTPRecipients {
		if r = strings.TrimSpace(r); r != "" {
			s.Notify.SMTPRecipients = append(s.Notify.SMTPRecipients, r)
		}
	}

	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("jsonData.%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if s.DB.Port < 1 || s.DB.Port > 65535 {
		bad("port", "must be between 1 and 65535, got %d", s.DB.Port)
	}
	if strings.TrimSpace(s.DB.Database) == "" {
		bad("database", "is required")
	}
	if strings.TrimSpace(s.DB.User) == "" {
		bad("user", "is required")
	}
	if !slices.Contains(sslModes, s.DB.SSLMode) {
		bad("sslMode", "must be one of %s, got %q", strings.Join(sslModes, ", "), s.DB.SSLMode)
	}
	if err := store.ValidateSchema(s.Schema); err != nil {
		bad("schema", "%v, got %q", err, s.Schema)
	}
	if strings.TrimSpace(s.SLOConfig) != "" && s.SLOConfigPath != "" {
		bad("sloConfigPath", "set either sloConfig (inline YAML) or sloConfigPath, not both")
	}
	for _, d := range s.Tables.ValidateSettings() {
		bad(d.Path, "%s", d.Message)
	}
	if js.MaxOpenConns < 0 || js.MaxOpenConns > 100 {
		bad("maxOpenConns", "must be between 1 and 100, got %d", js.MaxOpenConns)
	}
	if js.ConnectTimeout < 0 || js.ConnectTimeout > 300 {
		bad("connectTimeout", "must be between 1 and 300 seconds, got %d", js.ConnectTimeout)
	}
	if js.QueryTimeout < 0 || js.QueryTimeout > 3600 {
		bad("queryTimeout", "must be between 1 and 3600 seconds, got %d", js.QueryTimeout)
	}
	if err := checkHTTPURL(s.Notify.PagerDutyEndpoint); err != nil {
		bad("pagerDutyEndpoint", "%v", err)
	}
	if err := checkHTTPURL(s.DashboardURL); err != nil {
		bad("dashboardUrl", "%v", err)
	}
	if s.Notify.SMTPPort < 0 || s.Notify.SMTPPort > 65535 {
		bad("smtpPort", "must be between 1 and 65535, got %d", s.Notify.SMTPPort)
	}
	if s.Notify.SMTPTLS != "" && !slices.Contains(smtpTLSModes, s.Notify.SMTPTLS) {
		bad("smtpTLS", "must be one of %s, got %q", strings.Join(smtpTLSModes, ", "), s.Notify.SMTPTLS)
	}
	if s.Notify.SMTPFrom != "" {
		if _, err := mail.ParseAddress(s.Notify.SMTPFrom); err != nil {
			bad("smtpFrom", "must be an email address, got %q", s.Notify.SMTPFrom)
		}
	}
	for i, r := range s.Notify.SMTPRecipients {
		if _, err := mail.ParseAddress(r); err != nil {
			bad(fmt.Sprintf("smtpRecipients[%d]", i), "must be an email address, got %q", r)
		}
	}
	s.DetectionInterval = defaultDetectionInterval
	if js.DetectionInterval != "" {
		d, err := time.ParseDuration(js.DetectionInterval)
		switch {
		case err != nil:
			bad("detectionInterval", "must be a duration such as 60s or 2m, got %q", js.DetectionInterval)
		case d < minDetectionInterval:
			bad("detectionInterval", "must be at least %s, got %s", minDetectionInterval, d)
		default:
			s.DetectionInterval = d
		}
	}
	return s, errors.Join(errs...)
}

// checkHTTPURL accepts "" and absolute http(s) URLs. Its error does not quote the URL.
func checkHTTPURL(raw string) error {
	if raw == "" {
		return nil
	}
	return notify.CheckURL(raw)
}

func or(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return strings.TrimSpace(v)
}

func orInt(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func orSeconds(v int, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return time.Duration(v) * time.Second
}
