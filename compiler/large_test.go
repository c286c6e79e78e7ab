package compiler

import (
	"runtime"
	"testing"

	"github.com/velocc/velocc/internal/largesql"
)

// TestLargeScriptsLinear checks that checking a script costs memory linear in its size: doubling the script
// may at most about double the bytes allocated (a quadratic checker quadruples them). Allocation is counted, not
// time, so the test does not depend on the machine's speed.
func TestLargeScriptsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles large scripts; skipped with -short")
	}
	const n = 1500
	for name, script := range largesql.Scripts {
		t.Run(name, func(t *testing.T) {
			small, big := compileAllocs(t, script(n)), compileAllocs(t, script(2*n))
			t.Logf("allocation %.2fx", float64(big)/float64(small))
			if r := float64(big) / float64(small); r > 2.5 {
				t.Errorf("checking a script twice as large allocates %.2fx as much (%d → %d bytes); want about 2x", r, small, big)
			}
		})
	}
}

// compileAllocs compiles src, which must be valid, and returns the bytes allocated meanwhile.
func compileAllocs(t *testing.T, src string) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	plan, diags := Compile("job.sql", []byte(src), &Options{})
	runtime.ReadMemStats(&after)
	if plan == nil {
		t.Fatalf("does not compile:\n%v", diags)
	}
	return after.TotalAlloc - before.TotalAlloc
}
