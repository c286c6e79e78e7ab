// TestRandom: random query pairs from randgen.go run through the runner; TestRandomCompiles: every generated
// velocc query compiles, with the output types the generator expects.
package conformance

import (
	"flag"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/velocc/velocc/compiler"
)

var (
	flagRandom = flag.Int("conformance.random", 200, "how many random queries TestRandom runs (spread over its seeds)")
	flagSeed   = flag.Int64("conformance.seed", 0, "run TestRandom's queries of this seed only (to reproduce a failure)")
)

// randomSeeds are TestRandom's seeds; each gives an equal share of the queries.
var randomSeeds = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

// randomDataset is the data set the random queries read; randomNestedDataset the one of the nested queries
// (randnest.go).
func randomDataset(t testing.TB) *Dataset { return randomDatasetOf(t, "random.dataset") }

func randomNestedDataset(t testing.TB) *Dataset { return randomDatasetOf(t, "random_nested.dataset") }

func randomDatasetOf(t testing.TB, file string) *Dataset {
	t.Helper()
	ds, cases, err := ParseFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) > 0 {
		t.Fatalf("%s: a data set file has no cases", ds.File)
	}
	return ds
}

// TestRandom runs -conformance.random random queries (seeds 1 to 10) over testdata/random.dataset, and half as
// many over testdata/random_nested.dataset, and compares velocc with DuckDB. Each query is the subtest
// TestRandom/random_<seed>_<i> (random_nested_<seed>_<i>); reproduce a failure with
//
//	go test -run 'TestRandom/random_<seed>_<i>$' -conformance.seed <seed>
func TestRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs velocc jobs")
	}
	ds, nds := randomDataset(t), randomNestedDataset(t)
	seeds := randomSeeds
	if *flagSeed != 0 {
		seeds = []int64{*flagSeed}
	}
	per := (*flagRandom + len(randomSeeds) - 1) / len(randomSeeds)
	var batches []Batch
	var all []*Case
	for _, seed := range seeds {
		var sel []*Case
		for _, c := range RandomCases(ds, seed, per) {
			if selected("TestRandom", c.Name) {
				sel = append(sel, c)
			}
		}
		if len(sel) > 0 {
			batches = append(batches, Batch{Dataset: ds, Cases: sel})
			all = append(all, sel...)
		}
		sel = nil
		for _, c := range RandomCases(nds, seed, (per+1)/2) {
			if selected("TestRandom", c.Name) {
				sel = append(sel, c)
			}
		}
		if len(sel) > 0 {
			batches = append(batches, Batch{Dataset: nds, Cases: sel})
			all = append(all, sel...)
		}
	}
	r := NewRunner(t)
	start := time.Now()
	results := map[*Case]*Result{}
	for _, rs := range r.RunBatches(batches) {
		for _, res := range rs {
			results[res.Case] = res
		}
	}
	failed := 0
	for _, res := range results {
		if res.Failure != "" {
			failed++
		}
	}
	t.Logf("%d random queries (seeds %v, %d each) run in %v (%d go builds: %v): %d passed, %d failed", len(all), seeds,
		per, time.Since(start).Round(time.Millisecond), r.Builds, r.BuildTime.Round(time.Millisecond), len(all)-failed, failed)
	for _, c := range all {
		t.Run(c.Name, func(t *testing.T) {
			if res := results[c]; res.Failure != "" {
				seed, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(c.Name, "random_"), "nested_"), "_")
				more := ""
				if *flagRandom != 200 {
					more = fmt.Sprintf(" -conformance.random %d", *flagRandom)
				}
				t.Errorf("\n%sreproduce: go test -run 'TestRandom/%s$' -conformance.seed %s%s\n", res.Failure, c.Name, seed, more)
			}
		})
	}
}

// TestRandomCompiles checks, without DuckDB, that every generated velocc query compiles for 2000 seeds and that
// velocc gives its output columns the types the generator expects (so its DuckDB side is built on the right rules).
func TestRandomCompiles(t *testing.T) {
	shapes := randomCompiles(t, randomDataset(t), 2000)
	for _, s := range []string{"project", "group", "global", "window", "over", "project+join", "group+join", "global+join", "window+join",
		"project+sub", "group+sub", "project+join+sub", "union", "chain+project", "chain+group", "chain+global", "chain+window",
		"chain+over", "chain+project+join"} {
		if shapes[s] == 0 {
			t.Errorf("no %s query was generated", s)
		}
	}
	shapes = randomCompiles(t, randomNestedDataset(t), 1000)
	for _, s := range []string{"project", "group", "global", "window", "over", "nest+project", "nest+list", "nest+listglobal",
		"unnest+project", "unnest+group", "unnest+global", "unnest+window"} {
		if shapes[s] == 0 {
			t.Errorf("no %s query was generated over the nested data set", s)
		}
	}
}

// randomCompiles compiles 2 queries of each of seeds seeds over ds, and counts their shapes.
func randomCompiles(t *testing.T, ds *Dataset, seeds int64) map[string]int {
	const per, group = 2, 25 // group: seeds whose queries are compiled as one script
	type result struct {
		shapes map[string]int
		err    string
	}
	check := func(first int64) result {
		res := result{shapes: map[string]int{}}
		var qs []*randomQuery
		for seed := first; seed < first+group; seed++ {
			sq, err := randomQueries(ds, seed, per)
			if err != nil {
				return result{err: err.Error()}
			}
			qs = append(qs, sq...)
		}
		script := ds.Source
		for _, q := range qs {
			res.shapes[q.shape]++
			script += "\n;\n" + q.velocc
		}
		plan, diags := compiler.Compile("random.sql", []byte(script), nil)
		if diags.HasErrors() {
			for _, q := range qs { // find the query at fault
				if _, diags := compiler.Compile("random.sql", []byte(ds.Source+"\n;\n"+q.velocc), nil); diags.HasErrors() {
					var b strings.Builder
					diags.Errors().Format(&b)
					return result{err: fmt.Sprintf("%s does not compile:\n%s\n%s", q.name, q.velocc, b.String())}
				}
			}
			return result{err: fmt.Sprintf("seeds %d to %d: the queries do not compile together:\n%v", first, first+group-1, diags.Errors())}
		}
		// Each generated query has one bare SELECT (a chain's reader, or the UNION ALL): select_1, select_2, ...
		var outs []*compiler.Sink
		for _, sk := range plan.Sinks {
			if bareSink.MatchString(sk.Name) {
				outs = append(outs, sk)
			}
		}
		if len(outs) != len(qs) {
			return result{err: fmt.Sprintf("seeds %d to %d: %d bare SELECTs compiled for %d generated queries", first, first+group-1, len(outs), len(qs))}
		}
		for i, q := range qs {
			if err := checkTypes(outs[i].Columns, q.types); err != nil {
				return result{err: fmt.Sprintf("%s: %v\nvelocc: %s\nduckdb: %s", q.name, err, q.velocc, q.duckdb)}
			}
			if q.duckdb == "" {
				return result{err: q.name + ": no DuckDB query"}
			}
		}
		return res
	}
	firsts := make(chan int64)
	results := make(chan result)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		go func() {
			for first := range firsts {
				results <- check(first)
			}
		}()
	}
	go func() {
		for first := int64(1); first <= seeds; first += group {
			firsts <- first
		}
		close(firsts)
	}()
	shapes := map[string]int{}
	for n := int64(0); n < seeds/group; n++ {
		res := <-results
		if res.err != "" {
			t.Error(res.err)
		}
		for s, k := range res.shapes {
			shapes[s] += k
		}
	}
	t.Logf("%s: %d queries of %d seeds compile: %v", ds.File, seeds*per, seeds, shapes)
	return shapes
}

func checkTypes(cols []*compiler.Column, want []compiler.Type) error {
	if len(cols) != len(want) {
		return fmt.Errorf("velocc has %d output columns, the generator expects %d", len(cols), len(want))
	}
	for i, c := range cols {
		if c.Type != want[i] {
			return fmt.Errorf("column %s: velocc's type is %s, the generator expects %s", c.Name, c.Type, want[i])
		}
	}
	return nil
}
