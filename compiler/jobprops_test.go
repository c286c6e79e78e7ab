package compiler

import "testing"

// TestJobSettings: the job settings of any query's WITH reach the plan, matched ignoring case; a job without them
// has no budget and fails on overflow.
func TestJobSettings(t *testing.T) {
	const schema = "CREATE STREAM orders (symbol VARCHAR) WITH ('path' = 'orders.jsonl');\n"
	for _, tc := range []struct {
		sql  string
		mb   int64
		mode string
	}{
		{"SELECT symbol FROM orders;", 0, ""},
		{"SELECT symbol FROM orders; SELECT COUNT(*) AS n FROM orders WITH ('Max.Memory.MB' = ' 300 ');", 300, ""},
		{"SELECT symbol FROM orders WITH ('state.overflow' = 'Spill');", 0, "spill"},
		{"SELECT symbol FROM orders WITH ('state.overflow' = 'fail', 'max.memory.mb' = 64); SELECT symbol FROM orders WITH ('max.memory.mb' = '64');", 64, "fail"},
	} {
		plan, diags := Compile("job.sql", []byte(schema+tc.sql), nil)
		if plan == nil || len(diags) > 0 {
			t.Fatalf("%s:\n%v", tc.sql, diags)
		}
		if plan.MaxMemoryMB != tc.mb || plan.StateOverflow != tc.mode {
			t.Errorf("%s: max.memory.mb %d, state.overflow %q; want %d, %q", tc.sql, plan.MaxMemoryMB, plan.StateOverflow, tc.mb, tc.mode)
		}
	}
}
