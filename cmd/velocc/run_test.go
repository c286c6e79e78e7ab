// Tests of the velocc CLI through run, and one end-to-end test of a copied velocc binary building and running a job.

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const goodSQL = `CREATE STREAM trades (symbol VARCHAR, qty BIGINT, price DECIMAL(10,2)) WITH ('type'='file_source','path'='trades.jsonl');
SELECT symbol, SUM(qty) AS total FROM trades GROUP BY symbol EMIT FINAL;
`

// badSQL names an unknown column at line 2, column 20.
const badSQL = `CREATE STREAM trades (symbol VARCHAR, qty BIGINT, price DECIMAL(10,2)) WITH ('type'='file_source','path'='trades.jsonl');
SELECT symbol, SUM(nope) AS total FROM trades GROUP BY symbol EMIT FINAL;
`

const tradesJSONL = `{"symbol":"A","qty":10,"price":1.50}
{"symbol":"B","qty":7,"price":20.00}
{"symbol":"A","qty":20,"price":1.75}
`

// runCLI calls run in process and returns its exit code, stdout and stderr.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// repoRoot is the velocc checkout the tests run in, found before any test changed the working directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	if testEnv.checkout == "" {
		t.Fatal(testEnv.setupError)
	}
	return testEnv.checkout
}

// scriptDir writes job.sql, bad.sql and trades.jsonl into a new directory and makes it the working directory.
func scriptDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"job.sql": goodSQL, "bad.sql": badSQL, "trades.jsonl": tradesJSONL} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

func TestUsageErrors(t *testing.T) {
	scriptDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no script given"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"build"}, "build: no script given"},
		{[]string{"check"}, "check: no script given"},
		{[]string{"explain"}, "explain: no script given"},
		{[]string{"job.sql", "bad.sql"}, `build: one script at a time, got "job.sql" and "bad.sql"`},
		{[]string{"build", "-x", "job.sql"}, "build: flag provided but not defined: -x"},
		{[]string{"job.sql", "-o"}, "build: flag needs an argument: -o"},
		{[]string{"check", "-o", "out.go", "job.sql"}, "check: flag provided but not defined: -o"},
		{[]string{"version", "extra"}, `version takes no arguments, got "extra"`},
		{[]string{"help", "nope"}, `unknown command "nope"`},
		{[]string{"mod", "a", "b"}, `mod: one directory at a time, got "a" and "b"`},
		{[]string{"mod", "-x"}, "mod: flag provided but not defined: -x"},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		want := "velocc: " + tc.want + "\nrun 'velocc help' for usage\n"
		if code != 2 || stdout != "" || stderr != want {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2, \"\", %q", tc.args, code, stdout, stderr, want)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"help", "build"}, {"build", "-h"}, {"check", "-h"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || stderr != "" {
			t.Errorf("run(%q) = %d, stderr %q; want 0 and no stderr", args, code, stderr)
		}
		for _, want := range []string{"velocc [build] SCRIPT [-o OUT]", "velocc mod [DIR]", "velocc check", "velocc explain", "velocc version", "-o OUT", "third_party/velocc"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("run(%q): usage lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "", "version")
	if code != 0 || stderr != "" || !regexp.MustCompile(`^velocc \S+ go\S+ \w+/\w+\nruntime [0-9a-f]{12}\n$`).MatchString(stdout) {
		t.Errorf("run(version) = %d, stdout %q, stderr %q; want the version line and the runtime line", code, stdout, stderr)
	}
}

func TestCheck(t *testing.T) {
	scriptDir(t)
	if code, stdout, stderr := runCLI(t, "", "check", "job.sql"); code != 0 || stdout != "job.sql: ok: 2 statements, 1 source, 1 sink\n" || stderr != "" {
		t.Errorf("check job.sql = %d, stdout %q, stderr %q; want 0 and the summary", code, stdout, stderr)
	}
	if code, stdout, stderr := runCLI(t, goodSQL, "check", "-"); code != 0 || stdout != stdinName+": ok: 2 statements, 1 source, 1 sink\n" || stderr != "" {
		t.Errorf("check - = %d, stdout %q, stderr %q; want 0 and the summary", code, stdout, stderr)
	}
	// Warnings are printed, and counted in the summary.
	warned := goodSQL + `CREATE STREAM big AS SELECT symbol FROM trades WHERE qty > 10 WITH ('big.type' = 'file_sink', 'big.path' = 'big.jsonl', 'big.colour' = 'red');
CREATE STREAM more (id BIGINT) WITH ('path' = 'more.csv');
SELECT id FROM more;
`
	code, stdout, stderr := runCLI(t, warned, "check", "-")
	if want := stdinName + ": ok: 5 statements, 2 sources, 3 sinks, 1 warning\n"; code != 0 || stdout != want ||
		strings.Count(stderr, ": warning: ") != 1 || !strings.Contains(stderr, `"big.colour"`) {
		t.Errorf("check (warnings) = %d, stdout %q, stderr %q; want 0, %q and one warning about \"big.colour\"", code, stdout, stderr, want)
	}
	code, stdout, stderr = runCLI(t, "", "check", "bad.sql")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "bad.sql:2:20: ") || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("check bad.sql = %d, stdout %q, stderr %q; want 1 and an error at bad.sql:2:20 naming \"nope\"", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, badSQL, "check", "-")
	if code != 1 || !strings.HasPrefix(stderr, stdinName+":2:20: ") {
		t.Errorf("check - (bad) = %d, stderr %q; want 1 and an error at %s:2:20", code, stderr, stdinName)
	}
	code, _, stderr = runCLI(t, "", "check", "missing.sql")
	if code != 1 || !strings.HasPrefix(stderr, "velocc: open missing.sql: ") {
		t.Errorf("check missing.sql = %d, stderr %q; want 1 and the open error", code, stderr)
	}
}

func TestExplain(t *testing.T) {
	scriptDir(t)
	code, stdout, stderr := runCLI(t, "", "explain", "job.sql")
	if code != 0 || stderr != "" || !strings.Contains(stdout, "trades") || !strings.Contains(stdout, "total") {
		t.Errorf("explain job.sql = %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	code, stdout, stderr = runCLI(t, "", "explain", "bad.sql")
	if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "bad.sql:2:20: ") {
		t.Errorf("explain bad.sql = %d, stdout %q, stderr %q; want 1 and the diagnostic", code, stdout, stderr)
	}
}

func TestBuildFile(t *testing.T) {
	dir := scriptDir(t)
	code, want, stderr := runCLI(t, "", "build", "job.sql")
	if code != 0 || stderr != "" || !strings.HasPrefix(want, "// Code generated by velocc. DO NOT EDIT.") || !strings.Contains(want, "\npackage main\n") {
		t.Fatalf("build job.sql = %d, stderr %q, stdout:\n%s", code, stderr, want)
	}
	for _, tc := range []struct {
		args []string
		file string
	}{
		{[]string{"job.sql", "-o", "a.go"}, "a.go"},
		{[]string{"-o", "b.go", "job.sql"}, "b.go"},
		{[]string{"build", "job.sql", "-o=c.go"}, "c.go"},
		{[]string{"build", "-o", "d.go", "--", "job.sql"}, "d.go"},
		{[]string{"build", "-o", "-", "job.sql"}, ""},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if tc.file == "" {
			if code != 0 || stdout != want || stderr != "" {
				t.Errorf("run(%q) = %d, stderr %q; want 0 and the code on stdout", tc.args, code, stderr)
			}
			continue
		}
		if code != 0 || stdout != "" || stderr != "" {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 0 and no output", tc.args, code, stdout, stderr)
			continue
		}
		if got := mustRead(t, filepath.Join(dir, tc.file)); string(got) != want {
			t.Errorf("run(%q) wrote other code than build to stdout", tc.args)
		}
	}
	if code, stdout, _ := runCLI(t, "", "build", "bad.sql", "-o", "bad.go"); code != 1 || stdout != "" {
		t.Errorf("build bad.sql = %d, stdout %q; want 1", code, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.go")); err == nil {
		t.Error("build bad.sql wrote bad.go")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTemplates(t *testing.T) {
	d := moduleData{Job: "job", Source: "job.sql", Module: "velocc.local/job", GoVersion: "1.26.0", CopyDir: copyDir}
	got, err := render("go.mod.tmpl", d)
	if err != nil || !strings.Contains(string(got), "\nmodule velocc.local/job\n\ngo 1.26.0\n") {
		t.Errorf("render(go.mod.tmpl) = %q, %v", got, err)
	}
	for in, want := range map[string]string{"job": "job", "<stdin>": "stdin", "my job": "my_job", "..": "job", "-x": "x"} {
		if got := moduleElem(in); got != want {
			t.Errorf("moduleElem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBuildHTTPFlags: a file job links the HTTP server only when asked (-http, or 'job.http.address' in the
// script); a Kafka job always does, unless -no-http; -no-http with an address in the script is a usage error.
func TestBuildHTTPFlags(t *testing.T) {
	scriptDir(t)
	if err := os.WriteFile("k.sql", []byte(kafkaSQL), 0o666); err != nil {
		t.Fatal(err)
	}
	addr := strings.Replace(goodSQL, "EMIT FINAL;", "EMIT FINAL WITH ('job.http.address' = '127.0.0.1:9090');", 1)
	if addr == goodSQL {
		t.Fatal("no EMIT FINAL in the test script")
	}
	if err := os.WriteFile("addr.sql", []byte(addr), 0o666); err != nil {
		t.Fatal(err)
	}
	const ops = `"github.com/velocc/velocc/rt/ops"`
	for _, tc := range []struct {
		args []string
		ops  bool
	}{
		{[]string{"build", "job.sql"}, false},
		{[]string{"build", "-http", "job.sql"}, true},
		{[]string{"build", "addr.sql"}, true},
		{[]string{"build", "k.sql"}, true},
		{[]string{"build", "-no-http", "k.sql"}, false},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != 0 {
			t.Errorf("%v: exit %d, stderr %s", tc.args, code, stderr)
			continue
		}
		if got := strings.Contains(stdout, ops); got != tc.ops {
			t.Errorf("%v: imports rt/ops %v, want %v", tc.args, got, tc.ops)
		}
	}
	if code, _, stderr := runCLI(t, "", "build", "-no-http", "addr.sql"); code != 2 || !strings.Contains(stderr, "'job.http.address'") {
		t.Errorf("-no-http with an address in the script: exit %d, stderr %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", "build", "-http", "-no-http", "job.sql"); code != 2 || !strings.Contains(stderr, "contradict") {
		t.Errorf("-http -no-http: exit %d, stderr %s", code, stderr)
	}
}
