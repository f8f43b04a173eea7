package engine

import (
	"slices"
	"strconv"
	"testing"

	"github.com/sloguard/sloguard/pkg/slo"
)

func TestMergeStepsPutsUnreachedConfiguredStepsInFunnelOrder(t *testing.T) {
	steps := func(names ...string) []slo.JourneyStep {
		out := make([]slo.JourneyStep, len(names))
		for i, n := range names {
			out[i] = slo.JourneyStep{Name: n}
		}
		return out
	}
	logged := func(pairs ...any) []stepKey {
		var out []stepKey
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, stepKey{Name: pairs[i].(string), Order: int64(pairs[i+1].(int))})
		}
		return out
	}
	tests := []struct {
		name       string
		logged     []stepKey
		configured []slo.JourneyStep
		want       []string // name:order, * for an added step
	}{
		{"nothing logged gives the config's steps numbered from 1", nil, steps("a", "b", "c"), []string{"a:1*", "b:2*", "c:3*"}},
		{"everything logged changes nothing", logged("a", 1, "b", 2), steps("a", "b"), []string{"a:1", "b:2"}},
		{"a step nobody reached goes between its neighbours", logged("a", 1, "c", 3), steps("a", "b", "c"), []string{"a:1", "b:2*", "c:3"}},
		{"trailing steps nobody reached go last", logged("a", 1), steps("a", "b", "c"), []string{"a:1", "b:2*", "c:3*"}},
		{"a missing step sorts before a logged step of the same order at a later config position", logged("a", 1, "c", 2), steps("a", "b", "c"), []string{"a:1", "b:2*", "c:2"}},
		{"steps that are not configured keep their place", logged("a", 1, "x", 2, "c", 3), steps("a", "b", "c"), []string{"a:1", "b:2*", "x:2", "c:3"}},
		{"logs numbered from 0 still keep a missing first step first", logged("b", 1, "c", 2), steps("a", "b", "c"), []string{"a:1*", "b:1", "c:2"}},
		{"a step configured twice is added once", nil, steps("a", "a"), []string{"a:1*"}},
		{"no config leaves the logged steps alone", logged("b", 2, "a", 5), nil, []string{"b:2", "a:5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for i, k := range mergeSteps(tt.logged, tt.configured) {
				s := k.Name + ":" + strconv.FormatInt(k.Order, 10)
				if k.Seen < 0 {
					s += "*"
				} else if tt.logged[k.Seen].Name != k.Name {
					t.Errorf("step %d: Seen %d points at %s", i, k.Seen, tt.logged[k.Seen].Name)
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMergeStepsDoesNotModifyItsInput(t *testing.T) {
	logged := []stepKey{{Name: "a", Order: 1}, {Name: "c", Order: 3}}
	before := slices.Clone(logged)
	mergeSteps(logged, []slo.JourneyStep{{Name: "a"}, {Name: "b"}, {Name: "c"}})
	if !slices.Equal(logged, before) {
		t.Errorf("input changed: %v", logged)
	}
}

func TestStrictestLimitKeepsTheSmallestPositiveLimit(t *testing.T) {
	cfg := []slo.JourneyStep{{Name: "a", MaxDurationMS: 300}, {Name: "a", MaxDurationMS: 200}, {Name: "a"}, {Name: "b"}}
	if got := strictestLimit(cfg, "a"); got != 200 {
		t.Errorf("a: got %v, want 200", got)
	}
	if got := strictestLimit(cfg, "b"); got != 0 {
		t.Errorf("b: got %v, want 0 (no limit)", got)
	}
}
