package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sloguard/sloguard/pkg/slo"
	"github.com/sloguard/sloguard/pkg/store"
	"github.com/sloguard/sloguard/pkg/store/storetest"
)

func TestCheckLogTables(t *testing.T) {
	db := storetest.New(t)
	db.CreateLogTables(t)
	db.Exec(t, `CREATE TABLE typed_logs ("timestamp" timestamp(3) without time zone, service varchar(64),
		status_code integer, response_time_ms numeric(10,2))`)
	db.Exec(t, `CREATE TABLE wrong_logs ("timestamp" text, service text, status_code text)`)
	qualified := func(table string) slo.Tables {
		return slo.Tables{
			Requests: slo.RequestTable{Table: db.Schema + "." + table},
			Journeys: slo.JourneyTable{Table: db.Schema + ".user_journey_logs"},
		}.WithDefaults()
	}
	tests := []struct {
		name               string
		tables             slo.Tables
		requests, journeys bool
		want               []string
	}{
		{"the reference tables pass", qualified("request_logs"), true, true, nil},
		{"modified and varying types are accepted", qualified("typed_logs"), true, false, nil},
		{"a missing table is one problem", qualified("absent"), true, false, []string{"table " + db.Schema + ".absent does not exist"}},
		{"an unused missing table is not checked", qualified("absent"), false, true, nil},
		{
			"wrong types and missing columns are each named", qualified("wrong_logs"), true, false,
			[]string{
				"column " + db.Schema + ".wrong_logs.status_code is text; the status_code column must be one of: smallint, integer, bigint, numeric",
				"table " + db.Schema + ".wrong_logs has no column response_time_ms (the response_time_ms column)",
				"column " + db.Schema + ".wrong_logs.timestamp is text; the timestamp column must be one of: timestamp with time zone, timestamp without time zone",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.CheckLogTables(context.Background(), db.Pool, tt.tables, tt.requests, tt.journeys)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}
