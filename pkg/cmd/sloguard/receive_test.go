package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const testRoutingKey = "R0UT1NGK3Y-SECRET-0123456789abcd" // 32 characters

func postJSON(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReceiveAnswersLikeSlackAndPagerDuty(t *testing.T) {
	trigger := fmt.Sprintf(`{"routing_key":%q,"event_action":"trigger","dedup_key":"sloguard/checkout/availability/fast_burn",
		"payload":{"summary":"checkout availability burning 20x","source":"sloguard","severity":"critical"}}`, testRoutingKey)
	tests := []struct {
		name, path, body string
		wantStatus       int
		wantBody         []string
	}{
		{"a Slack text message", "/slack", `{"text":"checkout is burning"}`, 200, []string{"ok"}},
		{"a Slack Block Kit message on a webhook path", "/slack/T000/B000/XXXX",
			`{"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*firing* checkout"}}]}`, 200, []string{"ok"}},
		{"a Slack message without text or blocks", "/slack", `{"channel":"#x"}`, 400, []string{`"ok":false`, "no_text"}},
		{"a Slack body that is not JSON", "/slack", `text=hi`, 400, []string{"invalid_payload"}},
		{"a Slack block without a type", "/slack", `{"blocks":[{"text":"x"}]}`, 400, []string{"invalid_blocks: blocks[0]"}},
		{"a PagerDuty trigger", "/v2/enqueue", trigger, 202,
			[]string{`"status":"success"`, `"message":"Event processed"`, `"dedup_key":"sloguard/checkout/availability/fast_burn"`}},
		{"a PagerDuty resolve", "/v2/enqueue", fmt.Sprintf(`{"routing_key":%q,"event_action":"resolve","dedup_key":"k"}`, testRoutingKey), 202,
			[]string{`"dedup_key":"k"`}},
		{"a PagerDuty trigger without a dedup key gets one", "/v2/enqueue", strings.Replace(trigger, `"dedup_key":"sloguard/checkout/availability/fast_burn",`, "", 1), 202,
			[]string{`"status":"success"`, `"dedup_key":"`}},
		{"a PagerDuty trigger without summary, source and severity", "/v2/enqueue",
			fmt.Sprintf(`{"routing_key":%q,"event_action":"trigger","payload":{"severity":"bad"}}`, testRoutingKey), 400,
			[]string{`"status":"invalid event"`, "payload.summary", "payload.source", "payload.severity"}},
		{"a PagerDuty resolve without a dedup key", "/v2/enqueue", fmt.Sprintf(`{"routing_key":%q,"event_action":"resolve"}`, testRoutingKey), 400,
			[]string{"'dedup_key' is required"}},
		{"a PagerDuty event with a short routing key and an unknown action", "/v2/enqueue", `{"routing_key":"short","event_action":"page"}`, 400,
			[]string{"'routing_key' must be", "'event_action' must be"}},
		{"a PagerDuty body that is not JSON", "/v2/enqueue", `{`, 400, []string{"not valid JSON"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(newReceiver(io.Discard).handler())
			defer srv.Close()
			status, body := postJSON(t, srv.URL+tt.path, tt.body)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d (body %s)", status, tt.wantStatus, body)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(body, w) {
					t.Errorf("body %s lacks %s", body, w)
				}
			}
		})
	}
}

func TestReceiveKeepsPrintsAndServesMessagesWithoutTheRoutingKey(t *testing.T) {
	var out lockedBuffer
	srv := httptest.NewServer(newReceiver(&out).handler())
	defer srv.Close()
	postJSON(t, srv.URL+"/slack", `{"text":"first <b>message</b>"}`)
	postJSON(t, srv.URL+"/v2/enqueue", fmt.Sprintf(`{"routing_key":%q,"event_action":"trigger","dedup_key":"d1",
		"payload":{"summary":"second","source":"sloguard","severity":"warning"}}`, testRoutingKey))
	postJSON(t, srv.URL+"/slack", `{}`) // rejected: not kept

	resp, err := http.Get(srv.URL + "/api/messages")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msgs []received
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Channel != "pagerduty" || msgs[0].Summary != "second" || msgs[0].Severity != "warning" ||
		msgs[0].DedupKey != "d1" || msgs[1].Channel != "slack" || msgs[1].Summary != "first <b>message</b>" {
		t.Fatalf("messages (newest first) = %+v", msgs)
	}
	if !strings.Contains(string(msgs[0].Payload), `"routing_key":"<redacted>"`) {
		t.Errorf("payload %s does not show the routing key redacted", msgs[0].Payload)
	}
	page := get(t, srv.URL+"/")
	if !strings.Contains(page, "2 messages") || strings.Index(page, "second") > strings.Index(page, "first &lt;b") ||
		!strings.Contains(page, "first &lt;b&gt;message&lt;/b&gt;") {
		t.Errorf("HTML page does not list both messages newest first, escaped:\n%s", page)
	}
	for where, text := range map[string]string{"stdout": out.String(), "API": string(msgs[0].Payload), "page": page} {
		if strings.Contains(text, testRoutingKey) {
			t.Errorf("%s reveals the routing key", where)
		}
	}
	if !strings.Contains(out.String(), "pagerduty trigger (warning): second") || !strings.Contains(out.String(), "slack : first") {
		t.Errorf("stdout = %s", out.String())
	}
}

func TestReceiveKeepsTheLast500(t *testing.T) {
	r := newReceiver(io.Discard)
	srv := httptest.NewServer(r.handler())
	defer srv.Close()
	for i := range receiveKeep + 3 {
		postJSON(t, srv.URL+"/slack", fmt.Sprintf(`{"text":"m%d"}`, i))
	}
	msgs := r.messages()
	if len(msgs) != receiveKeep || msgs[0].Summary != fmt.Sprintf("m%d", receiveKeep+2) || msgs[receiveKeep-1].Summary != "m3" {
		t.Errorf("%d messages from %s to %s; want %d from m%d to m3", len(msgs), msgs[0].Summary, msgs[len(msgs)-1].Summary, receiveKeep, receiveKeep+2)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestReceiveCommandServesUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelOn{want: "receive: listening on http://127.0.0.1:", cancel: cancel}
	var errOut bytes.Buffer
	if code := run(ctx, []string{"receive", "--listen", "127.0.0.1:0"}, out, &errOut); code != exitOK {
		t.Errorf("exit %d, stderr %s", code, errOut.String())
	}
	if code, _, _ := runCLI(t, "receive", "--listen", "127.0.0.1:0", "extra"); code != exitError {
		t.Errorf("an extra argument exits %d, want 2", code)
	}
	if code, _, stderr := runCLI(t, "receive", "--listen", "256.0.0.1:http"); code != exitError || !strings.Contains(stderr, "receive:") {
		t.Errorf("an unusable address exits %d (%s), want 2", code, stderr)
	}
}
