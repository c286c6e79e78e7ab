// Tests of 'velocc run': the build cache (hits, what invalidates an entry, concurrent builds, trimming), and the
// command itself through a velocc binary, since it replaces its process with the job's.

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// cachedJob compiles script and builds it through the cache, returning the binary and what buildCached printed.
func cachedJob(t *testing.T, script string) (string, string) {
	t.Helper()
	var stderr bytes.Buffer
	plan, code, err := generate(script, false, links{}, nil, &stderr)
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	bin, err := buildCached(plan, code, scriptName(script), &stderr)
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	return bin, stderr.String()
}

// jobRows runs a built job over trades.jsonl in the working directory and returns its stdout.
func jobRows(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--bounded", "--stats=false").Output()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	return string(out)
}

func TestBuildCached(t *testing.T) {
	if testing.Short() {
		t.Skip("builds jobs")
	}
	cache := useCache(t)
	dir := scriptDir(t)
	const cfgSQL = `CREATE STREAM trades WITH ('type'='file_source','config_file'='trades.yaml');
SELECT symbol, qty FROM trades WHERE qty > 8;
`
	writeFiles(t, dir, map[string]string{
		"cfg.sql":     cfgSQL,
		"trades.yaml": "path: trades.jsonl\nschema:\n  fields:\n    - {name: symbol, type: string}\n    - {name: qty, type: bigint}\n",
	})

	bin, msg := cachedJob(t, "job.sql")
	if want := "velocc: building job (once: later runs of the same job use "; !strings.HasPrefix(msg, want) {
		t.Errorf("first build printed %q, want %q...", msg, want)
	}
	if got, want := jobRows(t, bin), "{\"symbol\":\"A\",\"total\":30}\n{\"symbol\":\"B\",\"total\":7}\n"; got != want {
		t.Errorf("the built job wrote %q, want %q", got, want)
	}
	again, msg := cachedJob(t, "job.sql")
	if again != bin || msg != "" {
		t.Errorf("second build: %s, printed %q; want the cached %s and nothing printed", again, msg, bin)
	}

	// The key is what the script reads, config files included: their contents decide the generated code.
	cfgBin, msg := cachedJob(t, "cfg.sql")
	if msg == "" || cfgBin == bin {
		t.Fatalf("cfg.sql: %s, printed %q; want a new build", cfgBin, msg)
	}
	writeFiles(t, dir, map[string]string{"trades.yaml": "# a comment changes nothing\n" + string(mustRead(t, filepath.Join(dir, "trades.yaml")))})
	if b, msg := cachedJob(t, "cfg.sql"); b != cfgBin || msg != "" {
		t.Errorf("cfg.sql with a comment added to its config: %s, printed %q; want the cached %s", b, msg, cfgBin)
	}
	writeFiles(t, dir, map[string]string{"trades.yaml": strings.Replace(string(mustRead(t, filepath.Join(dir, "trades.yaml"))), "type: bigint", "type: int", 1)})
	b, msg := cachedJob(t, "cfg.sql")
	if b == cfgBin || msg == "" {
		t.Errorf("cfg.sql with qty an INT in its config: %s, printed %q; want a new build", b, msg)
	}
	if got, want := jobRows(t, b), "{\"symbol\":\"A\",\"qty\":10}\n{\"symbol\":\"A\",\"qty\":20}\n"; got != want {
		t.Errorf("cfg.sql's job wrote %q, want %q", got, want)
	}

	// Entries unused for cacheTrimAge, and builds abandoned that long ago, go when a job is built; the rest stay.
	jobs := filepath.Join(cache, "jobs")
	old := time.Now().Add(-cacheTrimAge - time.Hour)
	for _, name := range []string{"0123456789abcdef0123456789abcdef", "tmp-123"} {
		writeFiles(t, jobs, map[string]string{name + "/job": "stale"})
		if err := os.Chtimes(filepath.Join(jobs, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(filepath.Dir(bin), old.Add(2*time.Hour), old.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"new.sql": strings.Replace(goodSQL, "SUM(qty)", "MAX(qty)", 1)})
	cachedJob(t, "new.sql")
	entries, err := os.ReadDir(jobs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 4 || slices.Contains(names, "tmp-123") || slices.Contains(names, "0123456789abcdef0123456789abcdef") ||
		!slices.Contains(names, filepath.Base(filepath.Dir(bin))) {
		t.Errorf("cache after trimming: %q; want job.sql's entry (used within %v), cfg.sql's two and new.sql's", names, cacheTrimAge)
	}
}

// TestBuildCachedConcurrently builds one job from two goroutines at once: both get a working binary, one entry is
// left and no build directory.
func TestBuildCachedConcurrently(t *testing.T) {
	if testing.Short() {
		t.Skip("builds jobs")
	}
	cache := useCache(t)
	scriptDir(t)
	plan, code, err := generate("job.sql", false, links{}, nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	bins := make([]string, 2)
	errs := make([]error, 2)
	for i := range bins {
		wg.Go(func() { bins[i], errs[i] = buildCached(plan, code, "job.sql", &bytes.Buffer{}) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if bins[0] != bins[1] {
		t.Errorf("two binaries for one job: %s and %s", bins[0], bins[1])
	}
	if got, want := jobRows(t, bins[0]), "{\"symbol\":\"A\",\"total\":30}\n{\"symbol\":\"B\",\"total\":7}\n"; got != want {
		t.Errorf("the built job wrote %q, want %q", got, want)
	}
	entries, err := os.ReadDir(filepath.Join(cache, "jobs"))
	if err != nil || len(entries) != 1 {
		t.Errorf("cache holds %v (%v); want one entry", entries, err)
	}
}

// TestInstall: a build finding its entry already installed by a concurrent run keeps that one.
func TestInstall(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"entry/job": "first", "staging/job": "second"})
	if err := install(filepath.Join(dir, "staging"), filepath.Join(dir, "entry"), "job"); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, filepath.Join(dir, "entry", "job"))); got != "first" {
		t.Errorf("entry/job = %q, want the first build's", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "staging")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("staging left behind: %v", err)
	}
	writeFiles(t, dir, map[string]string{"staging/job": "third"})
	if err := install(filepath.Join(dir, "staging"), filepath.Join(dir, "new"), "job"); err != nil {
		t.Fatal(err)
	}
	if got := string(mustRead(t, filepath.Join(dir, "new", "job"))); got != "third" {
		t.Errorf("new/job = %q", got)
	}
}

func TestRunUsage(t *testing.T) {
	useCache(t)
	scriptDir(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run"}, 2, "velocc: run: no script given\nrun 'velocc help' for usage\n"},
		{[]string{"run", "-x", "job.sql"}, 2, "velocc: run: flag provided but not defined: -x\nrun 'velocc help' for usage\n"},
		{[]string{"run", "bad.sql", "--bounded"}, 1, "bad.sql:2:20: "},
		{[]string{"run", "missing.sql"}, 1, "velocc: open missing.sql: "},
	} {
		code, stdout, stderr := runCLI(t, "", tc.args...)
		if code != tc.code || stdout != "" || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want %d and %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
	if code, stdout, _ := runCLI(t, "", "run", "-h"); code != 0 || !strings.Contains(stdout, "velocc run SCRIPT [JOB FLAGS]") {
		t.Errorf("run -h = %d, stdout %q", code, stdout)
	}
}

// TestRunCommand runs a velocc binary: the job gets the flags after the script, runs in velocc's process and exits
// with its own status; the second run starts the cached binary without building.
func TestRunCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc and a job")
	}
	useCache(t)
	velocc := filepath.Join(t.TempDir(), "velocc")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", velocc, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	scriptDir(t)
	velocc1 := func(args ...string) (int, string, string) {
		t.Helper()
		c := exec.CommandContext(t.Context(), velocc, args...)
		var stdout, stderr bytes.Buffer
		c.Stdout, c.Stderr = &stdout, &stderr
		err := c.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("velocc %q: %v", args, err)
		}
		return c.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	rows := func(stdout string) []map[string]any {
		t.Helper()
		var got []map[string]any
		for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
			var row map[string]any
			if err := json.Unmarshal([]byte(line), &row); err != nil {
				t.Fatalf("output line %q: %v", line, err)
			}
			got = append(got, row)
		}
		return got
	}
	want := []map[string]any{{"symbol": "A", "total": 30.0}, {"symbol": "B", "total": 7.0}}

	code, stdout, stderr := velocc1("run", "job.sql", "--bounded")
	if code != 0 || !slices.EqualFunc(rows(stdout), want, func(a, b map[string]any) bool { return a["symbol"] == b["symbol"] && a["total"] == b["total"] }) {
		t.Errorf("velocc run job.sql --bounded = %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stderr, "velocc: building job ") || !strings.HasSuffix(stderr, "trades: read 3, bad 0, late 0\nselect_1: emitted 2\n") {
		t.Errorf("first run's stderr: the build message, then the job's statistics; got:\n%s", stderr)
	}

	// --stats=false reaches the job: no statistics, and no build message either.
	code, stdout, stderr = velocc1("run", "job.sql", "--", "--bounded", "--stats=false")
	if code != 0 || stderr != "" || len(rows(stdout)) != 2 {
		t.Errorf("second run = %d, stdout:\n%s\nstderr:\n%s\nwant the rows and an empty stderr", code, stdout, stderr)
	}

	// The job's exit status is velocc's: 1 for a fatal error, 2 for a usage error.
	code, _, stderr = velocc1("run", "job.sql", "--bounded", "--source", "trades=file:missing.jsonl")
	if code != 1 || stderr != "job: source \"trades\": input file missing.jsonl does not exist\n" {
		t.Errorf("run over a missing file = %d, stderr %q", code, stderr)
	}
	code, _, stderr = velocc1("run", "job.sql", "--bogus")
	if code != 2 || !strings.HasPrefix(stderr, "job: unknown flag --bogus") {
		t.Errorf("run with an unknown job flag = %d, stderr %q", code, stderr)
	}
}
