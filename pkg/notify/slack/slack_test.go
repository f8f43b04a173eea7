package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sloguard/sloguard/pkg/notify"
	"github.com/sloguard/sloguard/pkg/slo"
)

func firing() notify.Message {
	return notify.Message{
		Kind: notify.KindFiring, AlertID: "payment_service/availability/fast_burn",
		Service: "payment_service", SLO: "availability", SLIType: slo.SuccessRate,
		Rule: "fast_burn", Severity: slo.AlertCritical, CurrentSLI: 0.985, Objective: 0.999,
		BudgetRemaining: 0.62, BurnRates: []notify.BurnRate{{Window: time.Hour, Rate: 15}, {Window: 5 * time.Minute, Rate: 16.2}},
		TimeToExhaustion: 30 * time.Hour, Description: "Error rate <high> & rising",
		DashboardURL: "https://grafana.example/d/slo?var-slo=availability",
		Timestamp:    time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	}
}

// wireBlock is a Block Kit block as Slack documents it, decoded from the request.
type wireBlock struct {
	Type     string `json:"type"`
	Text     *wireText
	Fields   []wireText `json:"fields"`
	Elements []struct {
		Type string          `json:"type"`
		Text json.RawMessage `json:"text"` // an object for buttons, a string for mrkdwn context
		URL  string          `json:"url"`
	} `json:"elements"`
}

type wireText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func decodeWebhook(t *testing.T, r *http.Request) (text string, blocks []wireBlock) {
	t.Helper()
	var body struct {
		Text   string      `json:"text"`
		Blocks []wireBlock `json:"blocks"`
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatalf("decode webhook body: %v", err)
	}
	return body.Text, body.Blocks
}

func fieldTexts(blocks []wireBlock) string {
	var parts []string
	for _, b := range blocks {
		for _, f := range b.Fields {
			parts = append(parts, f.Text)
		}
		if b.Text != nil {
			parts = append(parts, b.Text.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func TestWebhookPostsBlockKitMessage(t *testing.T) {
	var mu sync.Mutex
	var text string
	var blocks []wireBlock
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/services/T0/B0/secret" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		mu.Lock()
		text, blocks = decodeWebhook(t, r)
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()

	n, err := New(Config{WebhookURL: notify.Secret(srv.URL + "/services/T0/B0/secret")})
	if err != nil {
		t.Fatal(err)
	}
	retry, err := n.Notify(context.Background(), firing())
	if err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(text, "FIRING critical: payment_service availability") {
		t.Errorf("fallback text = %q", text)
	}
	if len(blocks) < 4 || blocks[0].Type != "header" || blocks[0].Text.Type != "plain_text" {
		t.Fatalf("blocks = %+v, want a header first", blocks)
	}
	if !strings.Contains(blocks[0].Text.Text, "FIRING critical") {
		t.Errorf("header = %q, want the severity", blocks[0].Text.Text)
	}
	if blocks[1].Type != "section" || len(blocks[1].Fields) == 0 || len(blocks[1].Fields) > MaxSectionFields {
		t.Errorf("fields section = %+v", blocks[1])
	}
	all := fieldTexts(blocks)
	for _, want := range []string{"*Service*\npayment_service", "*SLO*\navailability", "98.5 %", "99.9 %",
		"*Budget remaining*\n62 %", "15x over 1h, 16.2x over 5m", "*Time to exhaustion*\n1d 6h",
		"Error rate &lt;high&gt; &amp; rising"} {
		if !strings.Contains(all, want) {
			t.Errorf("message lacks %q in:\n%s", want, all)
		}
	}
	var button bool
	for _, b := range blocks {
		for _, e := range b.Elements {
			if b.Type == "actions" && e.Type == "button" && e.URL == firing().DashboardURL {
				button = true
			}
		}
	}
	if !button {
		t.Error("no dashboard button")
	}
}

func TestLatencySLIIsShownInMilliseconds(t *testing.T) {
	msg := firing()
	msg.SLIType, msg.CurrentSLI, msg.Objective, msg.ThresholdMS = slo.Latency, 0.91, 0.95, 300
	all := fieldTexts(toWire(t, Blocks(msg)))
	for _, want := range []string{"91 % of requests within 300 ms", "95 % of requests within 300 ms"} {
		if !strings.Contains(all, want) {
			t.Errorf("latency message lacks %q:\n%s", want, all)
		}
	}
}

func toWire(t *testing.T, v any) []wireBlock {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []wireBlock
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatal(err)
	}
	return blocks
}

func TestBlocksRespectSlackLimits(t *testing.T) {
	msg := firing()
	msg.Service = strings.Repeat("s", 400)
	msg.SLO = strings.Repeat("ü", 3000)
	msg.Description = strings.Repeat("<&>", 2000) // 6000 chars before escaping
	blocks := toWire(t, Blocks(msg))
	if n := utf8.RuneCountInString(blocks[0].Text.Text); n > MaxHeaderText {
		t.Errorf("header has %d chars, limit %d", n, MaxHeaderText)
	}
	for _, b := range blocks {
		if len(b.Fields) > MaxSectionFields {
			t.Errorf("%d fields, limit %d", len(b.Fields), MaxSectionFields)
		}
		for _, f := range b.Fields {
			if n := utf8.RuneCountInString(f.Text); n > MaxFieldText {
				t.Errorf("field has %d chars, limit %d", n, MaxFieldText)
			}
		}
		if b.Type == "section" && b.Text != nil {
			txt := b.Text.Text
			if n := utf8.RuneCountInString(txt); n > MaxSectionText {
				t.Errorf("section text has %d chars, limit %d", n, MaxSectionText)
			}
			body := strings.TrimSuffix(txt, notify.Ellipsis)
			if i := strings.LastIndexByte(body, '&'); i >= 0 && !strings.Contains(body[i:], ";") {
				t.Errorf("truncation split an entity: ...%q", body[max(0, len(body)-10):])
			}
		}
	}
}

// botServer fakes chat.postMessage and records every request's form.
type botServer struct {
	mu    sync.Mutex
	posts []map[string]string
}

func (b *botServer) handler(t *testing.T) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/chat.postMessage" {
			t.Errorf("path %q, want /chat.postMessage", r.URL.Path)
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("parse form: %v", err)
		}
		post := map[string]string{}
		for k := range r.PostForm {
			post[k] = r.PostForm.Get(k)
		}
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			post["token"] = strings.TrimPrefix(auth, "Bearer ")
		}
		b.mu.Lock()
		b.posts = append(b.posts, post)
		ts := fmt.Sprintf("1700000000.%06d", len(b.posts))
		b.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"ok":true,"channel":"C123","ts":%q}`, ts)
	})
}

func TestBotPostsResolvedMessageInFiringThread(t *testing.T) {
	bot := &botServer{}
	srv := httptest.NewServer(bot.handler(t))
	defer srv.Close()
	n, err := New(Config{Token: "xoxb-test-token", Channel: "C123", APIURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if retry, err := n.Notify(ctx, firing()); err != nil || retry {
		t.Fatalf("firing: %v, %v", retry, err)
	}
	resolved := firing()
	resolved.Kind = notify.KindResolved
	if retry, err := n.Notify(ctx, resolved); err != nil || retry {
		t.Fatalf("resolved: %v, %v", retry, err)
	}

	bot.mu.Lock()
	defer bot.mu.Unlock()
	if len(bot.posts) != 2 {
		t.Fatalf("%d posts, want 2", len(bot.posts))
	}
	first, second := bot.posts[0], bot.posts[1]
	for i, p := range bot.posts {
		if p["channel"] != "C123" || p["token"] != "xoxb-test-token" {
			t.Errorf("post %d: channel %q token set=%v", i, p["channel"], p["token"] != "")
		}
		var blocks []wireBlock
		if err := json.Unmarshal([]byte(p["blocks"]), &blocks); err != nil || len(blocks) == 0 || blocks[0].Type != "header" {
			t.Errorf("post %d: blocks %q (%v)", i, p["blocks"], err)
		}
	}
	if first["thread_ts"] != "" {
		t.Errorf("firing message is threaded under %q", first["thread_ts"])
	}
	if second["thread_ts"] != "1700000000.000001" {
		t.Errorf("resolved thread_ts = %q, want the firing ts 1700000000.000001", second["thread_ts"])
	}
	if !strings.Contains(second["blocks"], "RESOLVED critical") {
		t.Error("resolved header missing")
	}
}

func TestPostReturnsMessageTS(t *testing.T) {
	bot := &botServer{}
	srv := httptest.NewServer(bot.handler(t))
	defer srv.Close()
	n, err := New(Config{Token: "xoxb-t", Channel: "C123", APIURL: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := n.Post(context.Background(), firing(), "")
	if err != nil || ts != "1700000000.000001" {
		t.Errorf("Post = %q, %v", ts, err)
	}
}

func TestStatusCodesMapToRetryDecisions(t *testing.T) {
	tests := []struct {
		code       int
		retryAfter string
		wantRetry  bool
		wantAfter  time.Duration
	}{
		{http.StatusOK, "", false, 0},
		{http.StatusBadRequest, "", false, 0},
		{http.StatusUnauthorized, "", false, 0},
		{http.StatusForbidden, "", false, 0},
		{http.StatusNotFound, "", false, 0},
		{http.StatusRequestEntityTooLarge, "", false, 0},
		{http.StatusTooManyRequests, "30", true, 30 * time.Second},
		{http.StatusInternalServerError, "", true, 0},
		{http.StatusBadGateway, "", true, 0},
		{http.StatusServiceUnavailable, "", true, 0},
	}
	for _, mode := range []string{"webhook", "bot"} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d", mode, tt.code), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					w.WriteHeader(tt.code)
					if tt.code == http.StatusOK {
						_, _ = io.WriteString(w, `{"ok":true,"ts":"1.2"}`)
					}
				}))
				defer srv.Close()
				cfg := Config{WebhookURL: notify.Secret(srv.URL + "/hook")}
				if mode == "bot" {
					cfg = Config{Token: "xoxb-t", Channel: "C1", APIURL: srv.URL + "/"}
				}
				n, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				retry, err := n.Notify(context.Background(), firing())
				if retry != tt.wantRetry {
					t.Errorf("retry = %v, want %v (err %v)", retry, tt.wantRetry, err)
				}
				if (err != nil) != (tt.code != http.StatusOK) {
					t.Errorf("err = %v", err)
				}
				if got := notify.RetryAfter(err); got != tt.wantAfter {
					t.Errorf("RetryAfter = %s, want %s", got, tt.wantAfter)
				}
			})
		}
	}
}

func TestAPIErrorsMapToRetryDecisions(t *testing.T) {
	for slackErr, want := range map[string]bool{"channel_not_found": false, "invalid_auth": false, "internal_error": true, "ratelimited": true} {
		t.Run(slackErr, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = fmt.Fprintf(w, `{"ok":false,"error":%q}`, slackErr)
			}))
			defer srv.Close()
			n, err := New(Config{Token: "xoxb-t", Channel: "C1", APIURL: srv.URL + "/"})
			if err != nil {
				t.Fatal(err)
			}
			retry, err := n.Notify(context.Background(), firing())
			if err == nil || retry != want || !strings.Contains(err.Error(), slackErr) {
				t.Errorf("Notify = %v, %v; want retry %v", retry, err, want)
			}
		})
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing set", Config{}, "webhook_url or token"},
		{"both set", Config{WebhookURL: "https://h/x", Token: "t", Channel: "c"}, "exclusive"},
		{"token without channel", Config{Token: "t"}, "channel"},
		{"relative webhook url", Config{WebhookURL: "hooks/x"}, "webhook_url"},
		{"bad api url", Config{Token: "t", Channel: "c", APIURL: "::"}, "api_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want it to name %q", err, tt.want)
			}
		})
	}
	if err := (Config{WebhookURL: "https://hooks.slack.invalid/services/T/B/X"}).Validate(); err != nil {
		t.Errorf("valid webhook config: %v", err)
	}
}

func TestConfigStringRedactsSecrets(t *testing.T) {
	c := Config{WebhookURL: "https://hooks.slack.invalid/services/T/B/hooksecret", Token: "xoxb-tokensecret"}
	for _, s := range []string{c.String(), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "hooksecret") || strings.Contains(s, "tokensecret") {
			t.Errorf("config printed a secret: %s", s)
		}
	}
}
