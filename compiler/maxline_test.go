package compiler

import "testing"

// TestMaxLineBytes checks that a file source's 'max.line.bytes' reaches the options the job passes to rt, as a
// plain number, and that a source without it passes none.
func TestMaxLineBytes(t *testing.T) {
	for _, tt := range []struct {
		with, want string
	}{
		{`, 'max.line.bytes' = 4096`, "4096"},
		{`, 'max.line.bytes' = ' 100 '`, "100"},
		{``, ""},
	} {
		sql := "CREATE STREAM orders (symbol VARCHAR) WITH ('path' = 'o.jsonl'" + tt.with + ");\nSELECT symbol FROM orders;"
		plan, diags := Compile("job.sql", []byte(sql), &Options{})
		if plan == nil || diags.HasErrors() {
			t.Fatalf("%s: does not compile:\n%v", sql, diags)
		}
		got, ok := plan.Sources[0].Options["max.line.bytes"]
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: max.line.bytes option %q (set %v), want %q", sql, got, ok, tt.want)
		}
	}
}
