package slo

import (
	"math"
	"testing"
)

// approx reports whether got is within tol of want, relative for large values.
func approx(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func assertApprox(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !approx(got, want, tol) {
		t.Errorf("%s = %v, want %v (±%v)", what, got, want, tol)
	}
}

// mustParse parses data and fails the test on any error diagnostic.
func mustParse(t *testing.T, data []byte) (*Config, Diagnostics) {
	t.Helper()
	cfg, ds := parse(data)
	if ds.HasErrors() || cfg == nil {
		t.Fatalf("unexpected errors:\n%v", ds.Err())
	}
	return cfg, ds
}
