package main

import (
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// fakeResults is a run of two workloads: W2-jsonl with every contender but two workers, and W5.
func fakeResults() *results {
	secs := func(ss ...float64) []run {
		var out []run
		for _, s := range ss {
			d := time.Duration(s * float64(time.Second))
			out = append(out, run{wall: d, cpu: d, rss: 100 << 20})
		}
		return out
	}
	w2 := &wlResult{w: workloads[1], input: dataFile{rows: 1_000_000}, build: 1.25, outRows: 9000}
	w2.runs[veloccOne] = secs(0.5, 0.4, 0.6) // 2.0 M rows/s median
	w2.runs[duckOne] = secs(1.0, 1.0, 1.25)  // 1.0 M
	w2.runs[duckTwo] = secs(0.5, 0.5, 0.5)   // 2.0 M
	w5 := &wlResult{w: workloads[5], input: dataFile{rows: 1_000_000}, build: 6, outRows: 1_000_000}
	w5.runs[veloccOne] = secs(2)
	w5.runs[veloccOne][0].rss = 400 << 20
	w5.runs[duckOne] = secs(1)
	w5.runs[duckTwo] = secs(1)
	r := &results{rows: []*wlResult{w2, w5}, byID: map[string]*wlResult{"W2-jsonl": w2, "W5": w5}}
	r.setup = setup{cpu: "Test CPU", cores: 2, goos: "linux", goarch: "amd64", goVer: "go1.26", duckdb: "v1.5.6",
		commit: "abc1234", date: "2026-01-02 03:04 UTC", rows: 1_000_000, reps: 3, seed: 1, total: "1m0s",
		load: [2]string{"0.50", "0.75"}, floor: 3 << 20}
	return r
}

func TestReport(t *testing.T) {
	text := report(fakeResults())
	for _, want := range []string{
		"- Machine: Test CPU, 2 cores, linux/amd64, go1.26.",
		"| W2 GROUP BY symbol, 10k Zipf symbols (JSONL) | 2.000 (1.667–2.500) | n/a (no --workers yet) | 1.000 (0.800–1.000) | 2.000 (2.000–2.000) | 2.00× | n/a |",
		"| W5 GROUP BY 1M distinct keys (CSV) | 400 MiB, 2.00 s CPU | n/a | 100 MiB, 1.00 s CPU | 100 MiB, 1.00 s CPU | 1,000,000 | 6.0 s |",
		"- W2 JSONL: velocc 1 worker ≥ 1.5× DuckDB threads=1: 2.00× — met",
		"- W2 JSONL: velocc 2 workers ≥ 1.0× DuckDB threads=2: n/a (no --workers yet) — n/a",
		"- W4: velocc 1 worker ≥ 2× DuckDB threads=1: not run — n/a",
		"- W5: velocc 1 worker peak RSS ≤ 3× DuckDB threads=1's: 4.00× (400 MiB vs 100 MiB) — **missed**",
		"- every job: velocc build + go build ≤ 5 s (warm build cache): slowest 6.0 s (W5) — **missed**",
		"the launcher's own 3 MiB",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
}

func TestUpdateDoc(t *testing.T) {
	fresh := string(updateDoc(nil, "TABLE\n", ""))
	if !strings.HasPrefix(fresh, "# Performance") || !strings.Contains(fresh, beginMarker+"\nTABLE\n"+endMarker) {
		t.Errorf("a new document:\n%s", fresh)
	}
	old := "# Mine\n\nintro\n" + beginMarker + "\nold results\n" + endMarker + "\n\n## Notes\nkept\n"
	got := string(updateDoc([]byte(old), "new results\n", ""))
	want := "# Mine\n\nintro\n" + beginMarker + "\nnew results\n" + endMarker + "\n\n## Notes\nkept\n"
	if got != want {
		t.Errorf("updateDoc:\n%s\nwant:\n%s", got, want)
	}

	// A partial run adds its block after the full run's, keeping the full run's rows; a second partial run of the
	// same workloads replaces its block, one of others adds another; a full run drops them all.
	b6, e6 := partialMarkers("W6")
	b4, e4 := partialMarkers("W2-jsonl,W4")
	got = string(updateDoc([]byte(old), "W6 results\n", "W6"))
	want = "# Mine\n\nintro\n" + beginMarker + "\nold results\n" + endMarker + "\n\n" + b6 + "\nW6 results\n" + e6 +
		"\n\n## Notes\nkept\n"
	if got != want {
		t.Errorf("updateDoc, partial:\n%s\nwant:\n%s", got, want)
	}
	got = string(updateDoc([]byte(got), "W6 again\n", "W6"))
	got = string(updateDoc([]byte(got), "W4 results\n", "W2-jsonl,W4"))
	want = "# Mine\n\nintro\n" + beginMarker + "\nold results\n" + endMarker + "\n\n" + b4 + "\nW4 results\n" + e4 +
		"\n\n" + b6 + "\nW6 again\n" + e6 + "\n\n## Notes\nkept\n"
	if got != want {
		t.Errorf("updateDoc, two partial runs:\n%s\nwant:\n%s", got, want)
	}
	got = string(updateDoc([]byte(got), "all\n", ""))
	want = "# Mine\n\nintro\n" + beginMarker + "\nall\n" + endMarker + "\n\n## Notes\nkept\n"
	if got != want {
		t.Errorf("updateDoc, a full run after partial ones:\n%s\nwant:\n%s", got, want)
	}
	fresh = string(updateDoc(nil, "W6 results\n", "W6"))
	if !strings.Contains(fresh, beginMarker+"\n"+endMarker+"\n\n"+b6+"\nW6 results\n"+e6) {
		t.Errorf("a new document from a partial run:\n%s", fresh)
	}
}
