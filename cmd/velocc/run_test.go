// Tests of the velocc CLI through run, and one end-to-end test of a copied velocc binary building and running a job.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
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

// repoRoot is the velocc checkout the tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
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
		for _, want := range []string{"velocc [build] SCRIPT [-o OUT]", "velocc check", "velocc explain", "velocc version", "-o OUT", "VELOCC_ROOT"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("run(%q): usage lacks %q:\n%s", args, want, stdout)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "", "version")
	if code != 0 || stderr != "" || !strings.HasPrefix(stdout, "velocc ") {
		t.Errorf("run(version) = %d, stdout %q, stderr %q", code, stdout, stderr)
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

func TestBuildDir(t *testing.T) {
	root := repoRoot(t)
	t.Setenv("VELOCC_ROOT", "")
	dir := scriptDir(t)
	if err := os.Mkdir(filepath.Join(dir, "existing"), 0o777); err != nil {
		t.Fatal(err)
	}
	_, generated, _ := runCLI(t, "", "build", "job.sql")
	for _, out := range []string{"out/", "existing", filepath.Join(dir, "nested", "deeper") + string(filepath.Separator)} {
		if c, stdout, stderr := runCLI(t, "", "build", "job.sql", "-o", out); c != 0 || stdout != "" || stderr != "" {
			t.Fatalf("build -o %s = %d, stdout %q, stderr %q; want 0 and no output", out, c, stdout, stderr)
		}
		read := func(name string) string {
			data, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
		if got := read("main.go"); got != generated {
			t.Errorf("-o %s: main.go differs from build to stdout", out)
		}
		wantMod := parseGoMod(mustRead(t, filepath.Join(root, "go.mod")))
		gomod := read("go.mod")
		for _, want := range []string{
			"module velocc.local/job\n",
			"\ngo " + wantMod.Go + "\n",
			"\nrequire github.com/velocc/velocc v0.0.0\n",
			"\nreplace github.com/velocc/velocc => " + root + "\n",
		} {
			if !strings.Contains(gomod, want) {
				t.Errorf("-o %s: go.mod lacks %q:\n%s", out, want, gomod)
			}
		}
		for _, req := range wantMod.Requires {
			if !strings.Contains(gomod, "\t"+req+" // indirect\n") {
				t.Errorf("-o %s: go.mod lacks velocc's requirement %s:\n%s", out, req, gomod)
			}
		}
		if got, want := read("go.sum"), string(mustRead(t, filepath.Join(root, "go.sum"))); got != want {
			t.Errorf("-o %s: go.sum is not a copy of velocc's", out)
		}
		if got := read("Makefile"); !strings.Contains(got, "\tgo build -o job .\n") || !strings.Contains(got, "\t./job --bounded\n") {
			t.Errorf("-o %s: Makefile:\n%s", out, got)
		}
		if got := read("README.md"); !strings.Contains(got, "job.sql") || !strings.Contains(got, "--source NAME=URI") {
			t.Errorf("-o %s: README.md:\n%s", out, got)
		}
	}

	t.Setenv("VELOCC_ROOT", dir)
	c, _, stderr := runCLI(t, "", "build", "job.sql", "-o", "out2/")
	if c != 1 || !strings.Contains(stderr, "is not a velocc checkout") {
		t.Errorf("build with VELOCC_ROOT=%s = %d, stderr %q; want 1 and a complaint", dir, c, stderr)
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

func TestLocateCheckout(t *testing.T) {
	root := repoRoot(t)
	src := filepath.Join(root, "cmd", "velocc", "root.go")
	cache := filepath.Join(t.TempDir(), "github.com", "velocc", "velocc@v1.2.3")
	if err := os.MkdirAll(filepath.Join(cache, "cmd", "velocc"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cache, "go.mod"), []byte("module github.com/velocc/velocc // the one\n\ngo 1.26\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			if len(kv) == 2 && kv[0] == k {
				return kv[1], true
			}
			return "", false
		}
	}
	released := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.4.0"}}
	trimmed := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v1.4.0"}, Settings: []debug.BuildSetting{{Key: "-trimpath", Value: "true"}}}
	devel := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "(devel)"}}
	pseudo := &debug.BuildInfo{Main: debug.Module{Path: modulePath, Version: "v0.0.0-20250101000000-0123456789ab+dirty"}}
	for _, tc := range []struct {
		name string
		env  func(string) (string, bool)
		src  string
		bi   *debug.BuildInfo
		want checkout
	}{
		{"checkout", env(), src, devel, checkout{Dir: root, Replace: true}},
		{"env wins", env("VELOCC_ROOT", root), filepath.Join(cache, "cmd", "velocc", "root.go"), devel, checkout{Dir: root, Replace: true}},
		{"empty env ignored", env("VELOCC_ROOT", ""), src, devel, checkout{Dir: root, Replace: true}},
		{"module cache", env(), filepath.Join(cache, "cmd", "velocc", "root.go"), released, checkout{Dir: cache, Version: "v1.2.3"}},
		{"trimpath release", env(), "github.com/velocc/velocc/cmd/velocc/root.go", trimmed, checkout{Version: "v1.4.0"}},
		{"trimpath ignores the path", env(), src, trimmed, checkout{Version: "v1.4.0"}},
		{"checkout gone, devel", env(), filepath.Join(t.TempDir(), "cmd", "velocc", "root.go"), devel, checkout{}},
		{"checkout gone, pseudo-version", env(), filepath.Join(t.TempDir(), "cmd", "velocc", "root.go"), pseudo, checkout{}},
		{"no build info", env(), "root.go", nil, checkout{}},
	} {
		got, err := locateCheckout(tc.env, tc.src, tc.bi)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
	}
	if _, err := locateCheckout(env("VELOCC_ROOT", t.TempDir()), src, devel); err == nil || !strings.Contains(err.Error(), "not a velocc checkout") {
		t.Errorf("VELOCC_ROOT without go.mod: err = %v", err)
	}
}

func TestGoModTemplate(t *testing.T) {
	for _, tc := range []struct {
		d    moduleData
		want string
	}{
		{moduleData{Module: "velocc.local/job", GoVersion: "1.26"}, "module velocc.local/job\n\ngo 1.26\n"},
		{moduleData{Module: "velocc.local/job", GoVersion: "1.26", Require: "v1.2.3", Indirect: []string{"a.example/x v1.0.0"}},
			"module velocc.local/job\n\ngo 1.26\n\nrequire github.com/velocc/velocc v1.2.3\n\nrequire (\n\ta.example/x v1.0.0 // indirect\n)\n"},
	} {
		got, err := render("go.mod.tmpl", tc.d)
		if err != nil || string(got) != tc.want {
			t.Errorf("render(go.mod.tmpl, %+v) = %q, %v; want %q", tc.d, got, err, tc.want)
		}
	}
	if got, want := goModQuote("/a b/velocc"), `"/a b/velocc"`; got != want {
		t.Errorf("goModQuote = %s, want %s", got, want)
	}
	for in, want := range map[string]string{"job": "job", "<stdin>": "stdin", "my job": "my_job", "..": "job", "-x": "x"} {
		if got := moduleElem(in); got != want {
			t.Errorf("moduleElem(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEndToEnd builds velocc, copies the binary away from the checkout, runs it from a third directory to write a
// module, then builds and runs the job on a small file.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	env := append(slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "VELOCC_ROOT=") || strings.HasPrefix(kv, "GOFLAGS=")
	}), "GOTOOLCHAIN=local")
	cmd := func(dir, name string, args ...string) string {
		t.Helper()
		c := exec.CommandContext(t.Context(), name, args...)
		c.Dir, c.Env = dir, env
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		if err := c.Run(); err != nil {
			t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Logf("%s %s: stderr:\n%s", name, strings.Join(args, " "), stderr.String())
		}
		return stdout.String()
	}

	built := filepath.Join(tmp, "bin", "velocc")
	cmd(root, goTool, "build", "-o", built, "./cmd/velocc")
	velocc := filepath.Join(tmp, "elsewhere", "velocc")
	if err := os.MkdirAll(filepath.Dir(velocc), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(velocc, mustRead(t, built), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(built)); err != nil {
		t.Fatal(err)
	}

	work := filepath.Join(tmp, "work")
	if err := os.MkdirAll(work, 0o777); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"job.sql": goodSQL, "trades.jsonl": tradesJSONL} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	cmd(work, velocc, "build", "job.sql", "-o", "outdir/")
	out := filepath.Join(work, "outdir")
	if gomod := string(mustRead(t, filepath.Join(out, "go.mod"))); !regexp.MustCompile(`(?m)^replace github.com/velocc/velocc => ` + regexp.QuoteMeta(root) + `$`).MatchString(gomod) {
		t.Fatalf("the copied velocc did not find the checkout %s:\n%s", root, gomod)
	}

	env = append(env, "GOFLAGS=-mod=mod", "GOPROXY=off")
	cmd(out, goTool, "build", "-o", "job", ".")
	stdout := cmd(out, filepath.Join(out, "job"), "--bounded", "--source", "trades=file:"+filepath.Join(work, "trades.jsonl"))

	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("output line %q: %v\nall output:\n%s", line, err, stdout)
		}
		got = append(got, row)
	}
	slices.SortFunc(got, func(a, b map[string]any) int {
		return strings.Compare(fmt.Sprint(a["symbol"]), fmt.Sprint(b["symbol"]))
	})
	want := []map[string]any{{"symbol": "A", "total": 30.0}, {"symbol": "B", "total": 7.0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("job output:\n%s\nwant rows %v", stdout, want)
	}
}
