package e2e

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/velocc/velocc/internal/largesql"
)

// largeDepth is how deeply the large job nests calls: thousands of levels once gave a main.go of tens of
// megabytes that took minutes to build.
const largeDepth = 3000

// largeSQL nests ABS largeDepth deep under an addition that overflows for a > 0, and subtracts DECIMALs whose
// operand conversion (d rescaled to e's scale) can leave the DECIMAL range: both errors must name their place in
// the script and quote their SQL.
var largeSQL = `CREATE STREAM big (a BIGINT, d DECIMAL(38,0), e DECIMAL(38,10)) WITH ('path'='big.jsonl');
SELECT ` + largesql.Nest("ABS(", "a", ")", largeDepth) + ` + 9223372036854775807 AS x FROM big WHERE a IS NOT NULL;
SELECT d - e AS y FROM big WHERE d IS NOT NULL;
`

func init() { jobScripts["large"] = largeSQL }

// sqlPos returns "large.sql:line:col" of the first occurrence of text in largeSQL.
func sqlPos(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(largeSQL, text)
	if i < 0 {
		t.Fatalf("%q is not in the script", text)
	}
	line := strings.Count(largeSQL[:i], "\n") + 1
	col := utf8.RuneCountInString(largeSQL[strings.LastIndex(largeSQL[:i], "\n")+1:i]) + 1
	return fmt.Sprintf("large.sql:%d:%d", line, col)
}

// TestLargeNestedExpression: a job with thousands of nested calls builds (in TestMain) and runs; its values are
// right, and an overflow names the expression's position and quotes its whole text.
func TestLargeNestedExpression(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "big.jsonl", []byte("{\"a\":-5}\n{\"a\":0}\n{\"a\":1}\n"))
	res := runJob(t, "large", dir, "--bounded")
	if res.Code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", res.Code, res.Stderr)
	}
	// ABS(...(-5)...) + MaxInt64 overflows; 0 + MaxInt64 does not. The first record stops the job.
	sum := largesql.Nest("ABS(", "a", ")", largeDepth) + " + 9223372036854775807"
	want := fmt.Sprintf("large: %s: integer overflow in %s at big.jsonl:1\n", sqlPos(t, sum), strconv.Quote(sum))
	if !strings.Contains(res.Stderr, want) {
		t.Errorf("stderr does not have the line %.200q...:\n%.500s", want, res.Stderr)
	}

	writeFile(t, dir, "big.jsonl", []byte("{\"a\":0}\n{\"a\":-0}\n"))
	res = runOK(t, "large", dir, "--bounded")
	checkRows(t, "select_1", parseRows(t, res.Stdout), []row{{{"x", int64(9223372036854775807)}}, {{"x", int64(9223372036854775807)}}})
}

// TestDecimalConversionErrorPosition: a DECIMAL operand rescaled to its operator's scale that leaves the DECIMAL
// range stops the job with the operator's position and text (this conversion, inserted by the checker, once had
// neither).
func TestDecimalConversionErrorPosition(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "big.jsonl", []byte("{\"d\":12,\"e\":0.5}\n{\"d\":1"+strings.Repeat("0", 29)+",\"e\":1}\n"))
	res := runJob(t, "large", dir, "--bounded")
	if res.Code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", res.Code, res.Stderr)
	}
	want := fmt.Sprintf("large: %s: value out of range for DECIMAL(38,10) in \"d - e\" at big.jsonl:2\n", sqlPos(t, "d - e"))
	if !strings.Contains(res.Stderr, want) {
		t.Errorf("stderr does not have the line %q:\n%s", want, res.Stderr)
	}
	checkRows(t, "select_2", parseRows(t, res.Stdout), []row{{{"y", dec("11.5000000000")}}})
}
