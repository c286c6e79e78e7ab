package e2e

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// A graph of queries over two sources, each read by a goroutine of its own: a UNION ALL of both into one
// stream, one more writer of it (INSERT INTO), a windowed count over the stream and a filter of it. The job is
// built with the race detector; the results must not depend on how the two files' records interleave.
const graphSQL = `
CREATE STREAM nyse (symbol VARCHAR, qty BIGINT, ts TIMESTAMP)
  WITH ('path' = 'nyse.jsonl', 'event.time.field' = 'ts', 'watermark.max_out_of_orderness' = '3s');
CREATE STREAM lse (sym VARCHAR, size INT, ts TIMESTAMP)
  WITH ('path' = 'lse.jsonl', 'event.time.field' = 'ts', 'watermark.max_out_of_orderness' = '3s');

CREATE STREAM trades AS
SELECT symbol, qty, 'NYSE' AS venue, ts FROM nyse WHERE qty > 0
UNION ALL
SELECT sym, size, 'LSE', ts FROM lse;

INSERT INTO trades SELECT symbol, qty * 10, 'BLOCK', ts FROM nyse WHERE qty >= 90;

CREATE STREAM per_window AS
SELECT venue, COUNT(*) AS n, SUM(qty) AS total, WINDOWSTART AS ws
FROM trades GROUP BY venue WINDOW TUMBLING(10s) EMIT FINAL
WITH ('per_window.path' = 'windows.jsonl');

CREATE STREAM big AS SELECT symbol, qty, venue FROM trades WHERE qty >= 95 WITH ('big.path' = 'big.jsonl');
`

func init() { jobScripts["graph"+RaceSuffix] = graphSQL }

type graphTrade struct {
	sym string
	qty int64
	ts  int64
}

// genGraphTrades makes n trades whose times grow by about step ms, each up to 2.5 s out of order.
func genGraphTrades(rng *rand.Rand, n int, step int64) []graphTrade {
	out := make([]graphTrade, n)
	for i := range out {
		out[i] = graphTrade{
			sym: fmt.Sprintf("S%d", rng.IntN(7)),
			qty: int64(rng.IntN(100)),
			ts:  T0 + int64(i)*step + rng.Int64N(2500),
		}
	}
	return out
}

func TestGraphUnionInsert(t *testing.T) {
	needBuild(t)
	rng := rand.New(rand.NewPCG(13, 0))
	nyse := genGraphTrades(rng, 4000, 37)
	lse := genGraphTrades(rng, 2500, 61)
	dir := t.TempDir()
	var b strings.Builder
	for _, tr := range nyse {
		fmt.Fprintf(&b, "{\"symbol\":%q,\"qty\":%d,\"ts\":%d}\n", tr.sym, tr.qty, tr.ts)
	}
	writeFile(t, dir, "nyse.jsonl", []byte(b.String()))
	b.Reset()
	for _, tr := range lse {
		fmt.Fprintf(&b, "{\"sym\":%q,\"size\":%d,\"ts\":%d}\n", tr.sym, tr.qty, tr.ts)
	}
	writeFile(t, dir, "lse.jsonl", []byte(b.String()))

	// The stream trades, as the three writers make it.
	type rec struct {
		graphTrade
		venue string
	}
	var trades []rec
	for _, tr := range nyse {
		if tr.qty > 0 {
			trades = append(trades, rec{tr, "NYSE"})
		}
		if tr.qty >= 90 {
			trades = append(trades, rec{graphTrade{tr.sym, tr.qty * 10, tr.ts}, "BLOCK"})
		}
	}
	for _, tr := range lse {
		trades = append(trades, rec{tr, "LSE"})
	}
	type win struct {
		venue string
		start int64
	}
	counts, totals := map[win]int64{}, map[win]int64{}
	var wantBig []string
	for _, r := range trades {
		w := win{r.venue, r.ts - (r.ts-0)%10000}
		counts[w]++
		totals[w] += r.qty
		if r.qty >= 95 {
			wantBig = append(wantBig, fmt.Sprintf("{\"symbol\":%q,\"qty\":%d,\"venue\":%q}", r.sym, r.qty, r.venue))
		}
	}
	var wantWin []string
	for w, n := range counts {
		wantWin = append(wantWin, fmt.Sprintf("{\"venue\":%q,\"n\":%d,\"total\":%d,\"ws\":%d}", w.venue, n, totals[w], w.start))
	}

	res := runOK(t, "graph"+RaceSuffix, dir, "--bounded", "--progress", "0")
	if strings.Contains(res.Stderr, "DATA RACE") {
		t.Fatalf("data race:\n%s", res.Stderr)
	}
	for _, src := range []string{"nyse", "lse"} {
		if line := statsLine(t, res.Stderr, src); !strings.HasSuffix(line, "bad 0, late 0") {
			t.Errorf("%s: %s; want no bad or late record (the watermark follows the slower source)", src, line)
		}
	}
	sameLines(t, "windows.jsonl", readFile(t, dir, "windows.jsonl"), wantWin)
	sameLines(t, "big.jsonl", readFile(t, dir, "big.jsonl"), wantBig)
}

// sameLines compares the lines of got with want as multisets.
func sameLines(t *testing.T, what, got string, want []string) {
	t.Helper()
	g := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if got == "" {
		g = nil
	}
	slices.Sort(g)
	w := slices.Clone(want)
	slices.Sort(w)
	if slices.Equal(g, w) {
		return
	}
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	at := func(s []string) string {
		if i < len(s) {
			return s[i]
		}
		return "(none)"
	}
	t.Errorf("%s: %d rows, want %d; first difference (sorted): got %s, want %s", what, len(g), len(w), at(g), at(w))
}
