package codegen

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestGenerateHostileText: names, string constants and SQL text end up in comments and string literals of the
// generated file; line breaks, comment delimiters, backquotes, carriage returns, NUL, byte order marks and invalid
// UTF-8 in them must not break it.
func TestGenerateHostileText(t *testing.T) {
	for _, bad := range []string{"a*/\n//b", "/*y", "//z", "x\x00y", "\uFEFFbom", "bad\xffutf8", "cr\r\nlf", "back`quote", "tab\tvt\v"} {
		t.Run(strings.ToValidUTF8(bad, "?"), func(t *testing.T) {
			col := `"` + strings.ReplaceAll(bad, `"`, `""`) + `"`
			lit := `'` + strings.ReplaceAll(bad, `'`, `''`) + `'`
			sql := `CREATE STREAM "s` + bad + `" (` + col + ` BIGINT, c VARCHAR) WITH ('path'='p.jsonl');
SELECT ` + col + ` AS ` + col + `, SUM(` + col + `
   + 1) AS total FROM "s` + bad + `" WHERE c <> ` + lit + ` GROUP BY ` + col + `;
`
			out := generate(t, "job"+bad+".sql", []byte(sql))
			if _, err := parser.ParseFile(token.NewFileSet(), "main.go", out, parser.AllErrors|parser.ParseComments); err != nil {
				t.Fatalf("generated code does not parse: %v\n%s", err, out)
			}
			if formatted, err := format.Source(out); err != nil || !bytes.Equal(formatted, out) {
				t.Errorf("generated code is not gofmt-stable (%v)", err)
			}
		})
	}
}

func TestCommentText(t *testing.T) {
	for in, want := range map[string]string{
		"SUM(x)":                         "SUM(x)",
		"SUM(CASE WHEN a  THEN b END)":   "SUM(CASE WHEN a  THEN b END)",
		"SUM(x\n       + y)":             "SUM(x + y)",
		"a \r\n\t b":                     "a b",
		"/* not a block */":              " /* not a block */",
		"// not raw":                     " // not raw",
		"nul\x00bom\uFEFFbad\xff":        "nul\uFFFDbom\uFFFDbad\uFFFD",
		"x\u2028y":                       "x y",
		"  leading and trailing  \n ":    "leading and trailing",
		"ends */ fine in a line comment": "ends */ fine in a line comment",
	} {
		if got := commentText(in); got != want {
			t.Errorf("commentText(%q) = %q, want %q", in, got, want)
		}
	}
}
