package email

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/sloguard/sloguard/pkg/notify"
)

// Subject is "[SLOGuard] FIRING critical: payment_service availability".
func Subject(msg notify.Message) string { return "[SLOGuard] " + msg.Title() }

// row is one labelled value of the message body.
type row struct{ Name, Value string }

func rows(msg notify.Message) []row {
	return []row{
		{"Service", msg.Service},
		{"SLO", msg.SLO},
		{"SLI (" + string(msg.SLIType) + ")", msg.SLIText()},
		{"Objective", msg.ObjectiveText()},
		{"Budget remaining", msg.BudgetText()},
		{"Burn rate", msg.BurnRatesText()},
		{"Time to exhaustion", msg.TimeToExhaustionText()},
		{"Severity", msg.Severity},
		{"Rule", msg.Rule},
		{"Alert", msg.AlertID},
	}
}

type bodyData struct {
	Title, Description, DashboardURL, Time string
	Rows                                   []row
}

func data(msg notify.Message) bodyData {
	d := bodyData{Title: msg.Title(), Description: strings.TrimSpace(msg.Description), DashboardURL: msg.DashboardURL, Rows: rows(msg)}
	if !msg.Timestamp.IsZero() {
		d.Time = msg.Timestamp.UTC().Format("2006-01-02 15:04:05 MST")
	}
	return d
}

var textBody = texttemplate.Must(texttemplate.New("text").Parse(`{{.Title}}
{{range .Rows}}
{{.Name}}: {{.Value}}{{end}}
{{if .Time}}Time: {{.Time}}
{{end}}{{if .Description}}
{{.Description}}
{{end}}{{if .DashboardURL}}
Dashboard: {{.DashboardURL}}
{{end}}`))

var htmlBody = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html><body>
<h2>{{.Title}}</h2>
<table>{{range .Rows}}
<tr><th align="left">{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}{{if .Time}}
<tr><th align="left">Time</th><td>{{.Time}}</td></tr>{{end}}
</table>{{if .Description}}
<p>{{.Description}}</p>{{end}}{{if .DashboardURL}}
<p><a href="{{.DashboardURL}}">Open dashboard</a></p>{{end}}
</body></html>
`))

// TextBody renders the text/plain part.
func TextBody(msg notify.Message) (string, error) {
	var b bytes.Buffer
	err := textBody.Execute(&b, data(msg))
	return b.String(), err
}

// HTMLBody renders the text/html part; every value is HTML-escaped.
func HTMLBody(msg notify.Message) (string, error) {
	var b bytes.Buffer
	err := htmlBody.Execute(&b, data(msg))
	return b.String(), err
}
