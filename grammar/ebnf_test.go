// Golden test of the grammar's EBNF, so every grammar change shows in review.
package grammar

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestEBNF(t *testing.T) {
	golden := filepath.Join("testdata", "grammar.ebnf")
	got := EBNF() + "\n"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./grammar -update to create it)", err)
	}
	if d := lineDiff(string(want), got); d != "" {
		t.Errorf("EBNF() differs from %s (-want +got); run go test ./grammar -update if the change is intended:\n%s", golden, d)
	}
}

// lineDiff returns the lines of a and b that differ, as -want and +got lines around a common prefix and suffix,
// or "" when they are equal. The grammar changes a few productions at a time, so this is enough to review.
func lineDiff(a, b string) string {
	if a == b {
		return ""
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	var sb strings.Builder
	for _, l := range al[pre : len(al)-suf] {
		sb.WriteString("-" + l + "\n")
	}
	for _, l := range bl[pre : len(bl)-suf] {
		sb.WriteString("+" + l + "\n")
	}
	return sb.String()
}

func TestLineDiff(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"x\ny\n", "x\ny\n", ""},
		{"a\nb\nc\n", "a\nB\nc\n", "-b\n+B\n"},
		{"a\nc\n", "a\nb\nc\n", "+b\n"},
		{"a\nb\n", "a\n", "-b\n"},
	} {
		if got := lineDiff(tt.a, tt.b); got != tt.want {
			t.Errorf("lineDiff(%q, %q) = %q, want %q", tt.a, tt.b, got, tt.want)
		}
	}
}
