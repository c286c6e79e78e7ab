package codegen

import (
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/velocc/velocc/compiler"
)

// FuzzGenerate checks that whenever the compiler accepts a script, Generate succeeds and its output parses as Go.
// The corpus starts from the golden scripts and the compiler's catalogue of valid forms.
func FuzzGenerate(f *testing.F) {
	for _, c := range loadGoldenCases(f) {
		f.Add(c.ar.get("job.sql").data)
	}
	if data, err := os.ReadFile(filepath.Join("..", "compiler", "testdata", "check", "valid.sql")); err == nil {
		f.Add(string(data))
	}
	opts := &compiler.Options{
		// Scripts must not reach the file system or the environment through config_file.
		ReadFile:  func(string) ([]byte, error) { return nil, errors.New("no files while fuzzing") },
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	f.Fuzz(func(t *testing.T, sql string) {
		plan, diags := compiler.Compile("fuzz.sql", []byte(sql), opts)
		if plan == nil || diags.HasErrors() {
			return
		}
		out, err := Generate(plan)
		if err != nil {
			t.Fatalf("the compiler accepted the script but Generate failed: %v\nscript:\n%s", err, sql)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", out, parser.AllErrors); err != nil {
			t.Fatalf("generated code does not parse: %v\nscript:\n%s\ngenerated:\n%s", err, sql, out)
		}
	})
}
