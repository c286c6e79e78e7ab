package rt

import (
	"slices"
	"sync"
	"testing"
)

// TestMetricLabelSets checks that label sets that join to the same text stay apart, that NULL is "", and that a
// counter ignores what would make it go down.
func TestMetricLabelSets(t *testing.T) {
	m := newMetric(MetricSpec{Name: "x_total", Kind: MetricCounter, Labels: []string{"a", "b"}, MaxSeries: 10}, func(string) {})
	add := func(a, b string, null bool, v float64) {
		r := m.Begin()
		r.String(a, false)
		r.String(b, null)
		r.Add(v)
	}
	add("a", "bc", false, 1)
	add("ab", "c", false, 2)
	add("ab", "c", false, 3)
	add("ab", "", true, 4) // NULL is ""
	add("ab", "", false, 5)
	add("ab", "c", false, -7) // not added
	u := m.snapshot()
	got := map[string]float64{}
	for _, s := range u.Series {
		got[s.Labels[0]+"|"+s.Labels[1]] = s.Value
	}
	want := map[string]float64{"a|bc": 1, "ab|c": 5, "ab|": 9}
	if len(got) != len(want) {
		t.Fatalf("series %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("series %q = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}

// TestMetricLimit checks that rows past MaxSeries label sets are counted as dropped and logged once.
func TestMetricLimit(t *testing.T) {
	var warnings []string
	m := newMetric(MetricSpec{Name: "g", Kind: MetricGauge, Labels: []string{"k"}, MaxSeries: 2}, func(s string) { warnings = append(warnings, s) })
	for i, k := range []int64{1, 2, 3, 1, 4, 2} {
		r := m.Begin()
		r.Int64(k, false)
		r.Set(float64(i))
	}
	u := m.snapshot()
	if len(u.Series) != 2 || u.Series[0].Value != 3 || u.Series[1].Value != 5 || u.Dropped != 2 {
		t.Errorf("snapshot %+v; want k=1 at 3, k=2 at 5, 2 dropped", u)
	}
	if len(warnings) != 1 {
		t.Errorf("warnings %q, want one", warnings)
	}
}

// TestMetricHistogram checks the cumulative buckets, the sum and the count, with values on the bounds.
func TestMetricHistogram(t *testing.T) {
	m := newMetric(MetricSpec{Name: "h", Kind: MetricHistogram, Buckets: []float64{1, 10}, MaxSeries: 1}, func(string) {})
	for _, v := range []float64{0.5, 1, 5, 10, 11, 100} {
		m.Begin().Observe(v)
	}
	h := m.snapshot().Series[0].Histogram
	if !slices.Equal(h.Counts, []uint64{2, 4}) || h.Count != 6 || h.Sum != 127.5 {
		t.Errorf("histogram %+v; want counts [2 4], count 6, sum 127.5", h)
	}
}

// TestMetricNoAllocs checks that measuring a row of a known label set allocates nothing.
func TestMetricNoAllocs(t *testing.T) {
	m := newMetric(MetricSpec{Name: "c_total", Kind: MetricCounter, Labels: []string{"s", "n", "d"}, MaxSeries: 10}, func(string) {})
	row := func() {
		r := m.Begin()
		r.String("AAPL", false)
		r.Int64(42, false)
		r.Decimal(Int128{Lo: 12345}, 2, false)
		r.Add(1)
	}
	row()
	if n := testing.AllocsPerRun(100, row); n != 0 {
		t.Errorf("%v allocations per row, want 0", n)
	}
}

// TestMetricConcurrent measures from several goroutines while snapshots are taken (run with -race).
func TestMetricConcurrent(t *testing.T) {
	m := newMetric(MetricSpec{Name: "c_total", Kind: MetricCounter, Labels: []string{"w"}, MaxSeries: 10}, func(string) {})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for range 1000 {
				r := m.Begin()
				r.Int64(int64(w%2), false)
				r.Add(1)
			}
		})
	}
	wg.Go(func() {
		for range 100 {
			m.snapshot()
		}
	})
	wg.Wait()
	u := m.snapshot()
	if len(u.Series) != 2 || u.Series[0].Value != 2000 || u.Series[1].Value != 2000 {
		t.Errorf("snapshot %+v; want two series of 2000", u)
	}
}
