package simulate

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sloguard/sloguard/pkg/slo"
)

// tableNames are the validated log tables and the columns rows are copied into, in the order
// of requestValues and journeyValues.
type tableNames struct {
	requests, journeys             pgx.Identifier
	requestColumns, journeyColumns []string
}

// resolveTables fills t's defaults and validates every name.
func resolveTables(t slo.Tables) (tableNames, error) {
	t = t.WithDefaults()
	if err := t.Validate().Err(); err != nil {
		return tableNames{}, fmt.Errorf("log tables: %w", err)
	}
	r, j := t.Requests, t.Journeys
	return tableNames{
		requests:       pgx.Identifier(slo.SplitQualified(r.Table)),
		journeys:       pgx.Identifier(slo.SplitQualified(j.Table)),
		requestColumns: []string{r.Timestamp, r.Service, r.Route, r.StatusCode, r.ResponseTimeMS},
		journeyColumns: []string{j.Timestamp, j.JourneyID, j.JourneyName, j.StepName, j.StepOrder, j.Success, j.DurationMS},
	}, nil
}

func copyError(table pgx.Identifier, err error) error {
	return fmt.Errorf("copy into %s: %w", table.Sanitize(), err)
}
