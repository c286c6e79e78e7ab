package main

import (
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{nil, 0},
	} {
		in := append([]float64(nil), tc.xs...)
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
		for i := range in {
			if in[i] != tc.xs[i] {
				t.Errorf("median reordered its argument: %v", tc.xs)
			}
		}
	}
}

func TestPlural(t *testing.T) {
	if got := plural(1, "repetition") + ", " + plural(3, "repetition") + ", " + plural(0, "warm-up round"); got != "1 repetition, 3 repetitions, 0 warm-up rounds" {
		t.Errorf("plural: %s", got)
	}
}

func TestSummarizeAndTable(t *testing.T) {
	cs := []*contender{
		{title: "passthrough", rates: []float64{1000, 900, 1100}, cpuPerM: []float64{1, 1.2, 1.1}},
		{title: "stateless", target: 0.7, rates: []float64{700, 800, 600}, cpuPerM: []float64{2, 2, 2}},
		{title: "orderflow", target: 0.5, rates: []float64{450, 500, 520}, cpuPerM: []float64{1.5, 1.5, 1.5}},
	}
	rows := summarize(cs)
	want := `| contender | median records/s | min–max records/s | median vs passthrough | target | contender CPU s per 1M records |
|---|---:|---:|---:|---|---:|
| passthrough | 1,000 | 900–1,100 | 1.00× | (baseline) | 1.10 |
| stateless | 700 | 600–800 | 0.70× | ≥ 0.70×: met | 2.00 |
| orderflow | 500 | 450–520 | 0.50× | ≥ 0.50×: met | 1.50 |
`
	if got := table(rows); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}

	cs[1].rates = []float64{560, 560, 560}
	rows = summarize(cs)
	if got := table(rows); !strings.Contains(got, "| stateless | 560 | 560–560 | 0.56× | ≥ 0.70×: missed | 2.00 |") {
		t.Errorf("table with a missed target:\n%s", got)
	}
	want = "stateless: 0.56× the passthrough, target ≥ 0.70×: missed by 0.14× (its median would have to be 25% higher)."
	if got := verdict(rows[1]); got != want {
		t.Errorf("verdict:\n got %s\nwant %s", got, want)
	}
	if got := verdict(rows[2]); !strings.HasSuffix(got, ": met.") {
		t.Errorf("verdict of a met target: %s", got)
	}

	// A contender measuring the cost of something added to another: its line says the ratio of the two.
	cs = append(cs, &contender{title: "stateless, serving --http", against: 1, maxCost: 0.03, rates: []float64{550, 540, 545}, cpuPerM: []float64{2, 2, 2}})
	rows = summarize(cs)
	got := report(setup{}, rows, nil)
	if !strings.Contains(got, "| stateless, serving --http | 545 | 540–550 | 0.55× | ≤ 3% slower than without | 2.00 |") ||
		!strings.Contains(got, "- stateless, serving --http: 0.973× the throughput of stateless, a cost of 2.7%, target ≤ 3%: met.") {
		t.Errorf("report with a cost line:\n%s", got)
	}
}

// TestExactlyOnceReport checks the rendering of the exactly-once runs: kept out of the main table, in a table of
// their own against the same job's at least once, with the target met or missed.
func TestExactlyOnceReport(t *testing.T) {
	cs := []*contender{
		{title: "passthrough", rates: []float64{1000, 900, 1100}, cpuPerM: []float64{1, 1, 1}},
		{title: "stateless", target: 0.7, rates: []float64{800, 800, 800}, cpuPerM: []float64{2, 2, 2}},
		{title: "stateless, exactly once", against: 1, exactlyOnce: true, rates: []float64{600, 560, 640}, cpuPerM: []float64{2.5, 2.4, 2.6}},
		{title: "orderflow", target: 0.5, rates: []float64{2000, 2000, 2000}, cpuPerM: []float64{1, 1, 1}},
		{title: "orderflow, exactly once", against: 3, exactlyOnce: true, rates: []float64{1300, 1500, 1200}, cpuPerM: []float64{1.2, 1.2, 1.2}},
	}
	got := report(setup{}, summarize(cs), nil)
	want := `
### Exactly once

| job | at least once, median records/s | exactly once, median records/s | exactly once, min–max records/s | exactly once vs at least once | target | exactly once, CPU s per 1M records |
|---|---:|---:|---:|---:|---|---:|
| stateless | 800 | 600 | 560–640 | 0.75× | ≥ 0.70×: met | 2.50 |
| orderflow | 2,000 | 1,300 | 1,200–1,500 | 0.65× | ≥ 0.70×: missed | 1.20 |

- stateless: exactly once at 0.75× the throughput of at least once, target ≥ 0.70×: met.
- orderflow: exactly once at 0.65× the throughput of at least once, target ≥ 0.70×: missed by 0.05× (its median would have to be 8% higher).
`
	if !strings.HasSuffix(got, want) {
		t.Errorf("report:\n%s\nwant it to end with:\n%s", got, want)
	}
	if strings.Contains(got, "| stateless, exactly once |") || strings.Contains(got, "| orderflow, exactly once |") {
		t.Errorf("the main table lists the exactly-once runs:\n%s", got)
	}

	// Without exactly-once runs there is no such section; the restore measurement follows it when there is one.
	if got := report(setup{}, summarize(cs[:2]), nil); strings.Contains(got, "Exactly once") {
		t.Errorf("report without exactly-once runs:\n%s", got)
	}
	got = report(setup{}, summarize(cs), &restoreResult{groups: 10, records: 15, partitions: 1, changelog: []float64{10},
		restore: []float64{1}, whole: []float64{2}})
	if i, j := strings.Index(got, "### Exactly once"), strings.Index(got, "### State restore"); i < 0 || j < i {
		t.Errorf("report with both sections, exactly once first:\n%s", got)
	}
}

func TestUpdateDoc(t *testing.T) {
	fresh := string(updateDoc(nil, "table one\n"))
	if !strings.HasPrefix(fresh, "# Kafka throughput\n") || !strings.Contains(fresh, beginMarker+"\ntable one\n"+endMarker+"\n") {
		t.Fatalf("new document:\n%s", fresh)
	}
	if strings.Contains(fresh, "RESULTS") {
		t.Errorf("new document still holds the RESULTS placeholder")
	}

	// Notes added around the results survive a rerun; only the block between the markers changes.
	edited := strings.Replace(fresh, "## Profile notes\n", "## Profile notes\n\nJSON decoding takes 30%.\n", 1)
	rerun := string(updateDoc([]byte(edited), "table two"))
	if want := strings.Replace(edited, "table one", "table two", 1); rerun != want {
		t.Errorf("rerun changed more than the results:\n%s", rerun)
	}

	// A document whose markers were removed is rewritten whole.
	if got := string(updateDoc([]byte("# something else\n"), "t")); !strings.HasPrefix(got, "# Kafka throughput\n") {
		t.Errorf("document without markers:\n%s", got)
	}
}
