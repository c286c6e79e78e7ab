package main

import (
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
