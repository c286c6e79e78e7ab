// Golden tests for Explain: each testdata/explain/NAME.sql is explained into NAME.golden.
package compiler

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/explain")

// TestExplainGolden compares Explain of every script in testdata/explain with its golden file; go test -update
// rewrites them.
func TestExplainGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "explain", "*.sql"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts in testdata/explain (%v)", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".sql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			plan, ds := Compile(filepath.ToSlash(filepath.Join("testdata", "explain", name+".sql")), src, nil)
			if len(ds) > 0 {
				t.Fatalf("diagnostics:\n%s", ds.Error())
			}
			got := Explain(plan)
			golden := filepath.Join("testdata", "explain", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./compiler -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("Explain differs from %s (go test ./compiler -update rewrites it):\n%s", golden, lineDiff(string(want), got))
			}
		})
	}
}

// TestExplainOrderFlowColumns checks, independently of the golden file, that Explain shows every output column of
// the order-flow query with its type.
func TestExplainOrderFlowColumns(t *testing.T) {
	out := Explain(mustCompile(t, orderFlowSQL, nil))
	for _, col := range []struct{ name, typ string }{
		{"symbol", "VARCHAR"}, {"buy_volume", "BIGINT"}, {"sell_volume", "BIGINT"}, {"total_volume", "BIGINT"},
		{"buy_ratio", "DOUBLE"}, {"analysis_time", "TIMESTAMP"},
	} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == col.name && f[1] == col.typ {
				found = true
			}
		}
		if !found {
			t.Errorf("no output line %q %q in:\n%s", col.name, col.typ, out)
		}
	}
	if !strings.Contains(out, "state per group: 3 accumulator(s)") {
		t.Errorf("want 3 accumulators in:\n%s", out)
	}
}

// lineDiff renders want and got line by line, marking differing lines "-want" and "+got".
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		switch {
		case i >= len(w):
			b.WriteString("+" + g[i] + "\n")
		case i >= len(g):
			b.WriteString("-" + w[i] + "\n")
		case w[i] != g[i]:
			b.WriteString("-" + w[i] + "\n+" + g[i] + "\n")
		default:
			b.WriteString(" " + w[i] + "\n")
		}
	}
	return b.String()
}
