package codegen

import (
	"runtime"
	"testing"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/largesql"
)

// TestLargeScriptsLinear checks that the generated code, and the work of generating it, grow linearly with the
// script: doubling the script may at most about double the output and the bytes allocated. (Error messages that
// quoted every subexpression made both quadratic: 5,000 nested calls gave a 64 MB main.go.) Bytes are counted,
// not time, so the test does not depend on the machine's speed.
func TestLargeScriptsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("generates code for large scripts; skipped with -short")
	}
	const n = 1000
	for name, script := range largesql.Scripts {
		t.Run(name, func(t *testing.T) {
			smallOut, smallAlloc := generateLarge(t, script(n))
			bigOut, bigAlloc := generateLarge(t, script(2*n))
			t.Logf("output %.2fx, allocation %.2fx", float64(bigOut)/float64(smallOut), float64(bigAlloc)/float64(smallAlloc))
			if r := float64(bigOut) / float64(smallOut); r > 2.3 {
				t.Errorf("the code generated for a script twice as large is %.2fx as long (%d → %d bytes); want about 2x", r, smallOut, bigOut)
			}
			if r := float64(bigAlloc) / float64(smallAlloc); r > 2.5 {
				t.Errorf("generating code for a script twice as large allocates %.2fx as much (%d → %d bytes); want about 2x", r, smallAlloc, bigAlloc)
			}
		})
	}
}

// generateLarge compiles and generates src, which must be valid, and returns the output's size and the bytes Generate
// allocated.
func generateLarge(t *testing.T, src string) (size int, alloc uint64) {
	t.Helper()
	plan, diags := compiler.Compile("job.sql", []byte(src), &compiler.Options{})
	if plan == nil {
		t.Fatalf("does not compile:\n%v", diags)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out, err := Generate(plan)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return len(out), after.TotalAlloc - before.TotalAlloc
}
