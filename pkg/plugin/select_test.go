package plugin

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestSelectSLOs(t *testing.T) {
	cfg, diags := slo.Parse([]byte(contractConfig))
	if diags.HasErrors() {
		t.Fatal(diags.Err())
	}
	tests := []struct {
		name           string
		service, slo   string
		services, slos []string
		want           []string
		wantErr        string
	}{
		{"nothing named: every SLO", "", "", nil, nil,
			[]string{"payment_service/availability", "payment_service/latency", "user_api/availability", "user_api/user_journey"}, ""},
		{"one service", "user_api", "", nil, nil, []string{"user_api/availability", "user_api/user_journey"}, ""},
		{"one SLO name across services", "", "availability", nil, nil, []string{"payment_service/availability", "user_api/availability"}, ""},
		{"several services of a multi-value variable", "", "", []string{"user_api", "payment_service"}, nil,
			[]string{"payment_service/availability", "payment_service/latency", "user_api/availability", "user_api/user_journey"}, ""},
		{"several SLOs of a multi-value variable", "payment_service", "", nil, []string{"latency", "availability"},
			[]string{"payment_service/availability", "payment_service/latency"}, ""},
		{"service and services together, once each", "user_api", "", []string{"user_api"}, []string{"user_journey"}, []string{"user_api/user_journey"}, ""},
		{"an unknown service among several is named", "", "", []string{"user_api", "ghost"}, nil, nil, `service: no service "ghost" in the SLO config`},
		{"an SLO none of the services has is named", "", "", []string{"payment_service"}, []string{"user_journey"}, nil,
			`slo: no SLO "user_journey" in the SLO config for service "payment_service"`},
		{"with several services the message lists them", "", "", []string{"payment_service", "user_api"}, []string{"ghost"}, nil,
			`slo: no SLO "ghost" in the SLO config for services ["payment_service" "user_api"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selectSLOs(cfg, names(tt.service, tt.services), names(tt.slo, tt.slos))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, s := range got {
				ids = append(ids, s.ID())
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("selected %q, want %q", ids, tt.want)
			}
		})
	}
}

// The lists a multi-value template variable fills reach the selection through QueryData.
func TestContractQueryTakesTheValuesOfAMultiValueVariable(t *testing.T) {
	_, db := contractSetup(t)
	pc := healthyContext(t, db)
	to := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	r := queryOne(t, pc, backend.DataQuery{
		QueryType: "slo_status", TimeRange: backend.TimeRange{From: to.Add(-time.Hour), To: to},
		JSON: queryJSON(t, map[string]any{"queryType": "slo_status", "service": "", "services": []string{"user_api", "payment_service"}, "slos": []string{"user_journey", "latency"}}),
	})
	if r.Error != nil {
		t.Fatal(r.Error)
	}
	slos, _ := r.Frames[0].FieldByName("slo")
	var got []string
	for i := 0; i < slos.Len(); i++ {
		got = append(got, fmt.Sprint(slos.At(i)))
	}
	if !slices.Equal(got, []string{"latency", "user_journey"}) {
		t.Errorf("rows for %q, want payment_service/latency and user_api/user_journey", got)
	}
}
