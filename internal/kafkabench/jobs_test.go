package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/velocc/velocc/compiler"
)

// TestScriptsCompile compiles the contenders' scripts and the restore job's without warnings, the order-flow one
// from the checkout's examples/trading/orderflow.sql, and checks that its query text is the example's and that
// the restore job keeps its state in a changelog topic.
func TestScriptsCompile(t *testing.T) {
	root := filepath.Join("..", "..")
	jobs, err := veloccJobs(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range append(jobs, restoreJob) {
		plan, diags := compiler.Compile(j.name+".sql", []byte(j.script), &compiler.Options{})
		if len(diags) > 0 || plan == nil {
			var b strings.Builder
			diags.Format(&b)
			t.Errorf("%s:\n%s\n%s", j.name, j.script, b.String())
			continue
		}
		if j.name == restoreJob.name && (len(plan.Queries) != 1 || !plan.Queries[0].Changelog || plan.Queries[0].Name != j.sink) {
			t.Errorf("the restore job's plan does not have one query %s keeping its state in a changelog topic", j.sink)
		}
	}

	orig, err := os.ReadFile(filepath.Join(root, orderflowPath))
	if err != nil {
		t.Fatal(err)
	}
	query := func(s string) string {
		i, j := strings.Index(s, "\nSELECT "), strings.Index(s, "EMIT FINAL")
		if i < 0 || j < i {
			t.Fatalf("no SELECT ... EMIT FINAL in:\n%s", s)
		}
		return s[i:j]
	}
	if got, want := query(jobs[1].script), query(string(orig)); got != want {
		t.Errorf("the order-flow query differs from %s:\n%s\nwant:\n%s", orderflowPath, got, want)
	}
	for _, s := range []string{"'type'='kafka_source'", "'watermark.max_out_of_orderness'='2s'",
		"EMIT FINAL\nWITH ('select_1.type'='kafka_sink');"} {
		if !strings.Contains(jobs[1].script, s) {
			t.Errorf("the order-flow script lacks %s:\n%s", s, jobs[1].script)
		}
	}
	if strings.Contains(jobs[1].script, "'path'") {
		t.Errorf("the order-flow script still names a file:\n%s", jobs[1].script)
	}
}

func TestOrderflowSQLRejectsChangedExample(t *testing.T) {
	for _, text := range []string{
		"CREATE STREAM s (a INT) WITH ('type'='kafka_source');\nSELECT a FROM s\nEMIT FINAL;\n",
		"CREATE STREAM s (a INT) WITH ('type'='file_source','path'='x.jsonl','format'='jsonl');\nSELECT a FROM s;\n",
	} {
		if _, err := orderflowSQL(text); err == nil {
			t.Errorf("orderflowSQL accepted:\n%s", text)
		}
	}
}

// TestLostTxnRE checks that lostTxnRE matches the lines rt/kafka logs when a transaction is lost, formatted from
// the format strings in its source (so that a changed message fails here rather than going unnoticed in a
// benchmark run), and none of a run that lost nothing.
func TestLostTxnRE(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "rt", "kafka", "changelog.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		format string
		args   []any
	}{
		{`"a transaction of the changelogs of kafka topic %q was aborted (%d so far); going on from the last commit"`, []any{"in", 1}},
		{`"the transaction of kafka topic %q failed: %v; starting a new session from the last commit"`, []any{"in", "EOF"}},
	} {
		if !strings.Contains(string(src), f.format) {
			t.Errorf("rt/kafka/changelog.go no longer logs %s", f.format)
			continue
		}
		line := "orders: " + fmt.Sprintf(strings.Trim(f.format, `"`), f.args...)
		if !lostTxnRE.MatchString(line) {
			t.Errorf("lostTxnRE does not match %q", line)
		}
	}
	ok := `orders: reading kafka topic "in" as group "g"
orders: read 6000, bad 0, late 0
big: emitted 5700
`
	if lostTxnRE.MatchString(ok) {
		t.Errorf("lostTxnRE matches the log of a run that lost nothing:\n%s", ok)
	}
}
