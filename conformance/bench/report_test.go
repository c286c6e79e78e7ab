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
	w7 := &wlResult{w: workloadByID("W7"), input: dataFile{rows: 500_000}, streams: []dataFile{{rows: 500_000}},
		build: 1, outRows: 1_200_000}
	w7.runs[veloccOne] = secs(4) // 1,000,000 input rows of the two streams: 0.25 M rows/s
	w7.runs[duckOne] = secs(5)
	w7.runs[duckTwo] = secs(2.5)
	w8 := &wlResult{w: workloadByID("W8"), input: dataFile{rows: 1_000_000}, build: 1, fusedBuild: 1.5, outRows: 9000}
	w8.runs[veloccOne] = secs(1.25) // 0.8 M rows/s
	w8.runs[veloccFused] = secs(0.5, 0.5, 0.75)
	w8.runs[duckOne] = secs(1)
	w8.runs[duckTwo] = secs(1)
	r := &results{rows: []*wlResult{w2, w5, w7, w8},
		byID: map[string]*wlResult{"W2-jsonl": w2, "W5": w5, "W7": w7, "W8": w8}}
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
		"| W7 stream–stream interval join ±10 s, quotes of two venues on 1,000 symbols (JSONL) | 0.250 (0.250–0.250) | n/a (no --workers yet) | 0.200 (0.200–0.200) | 0.400 (0.400–0.400) | 1.25× | n/a |",
		"- W7: velocc 1 worker ≥ 1.0× DuckDB threads=1: 1.25× — met",
		"| W8 chain of three queries: filter → projection → GROUP BY symbol (JSONL) | 0.800 (0.800–0.800) | n/a (no --workers yet) | 1.000 (1.000–1.000) | 1.000 (1.000–1.000) | 0.80× | n/a |\n" +
			"| W8 the same computation fused into one query (JSONL) | 2.000 (1.333–2.000) | n/a | as above | as above | 2.00× | n/a |\n",
		"| W8 the same computation fused into one query (JSONL) | 100 MiB, 0.50 s CPU | n/a | as above | as above | 9,000 | 1.5 s |",
		"- W8: the chain of three queries ≥ 0.8× the fused query's throughput (velocc 1 worker each): 0.40× — **missed**",
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

// workloadByID returns the workload id.
func workloadByID(id string) *workload {
	for _, w := range workloads {
		if w.id == id {
			return w
		}
	}
	panic("no workload " + id)
}
