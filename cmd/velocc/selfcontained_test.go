// End-to-end tests of a velocc binary away from its checkout: built with -trimpath, copied into a temporary
// directory and run with a clean environment from unrelated directories, it writes modules that build offline (a
// file job), with the module proxy alone (a Kafka job), and inside a user's module through go:generate.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/kafkatest"
)

// testEnv is what TestMain finds out before any test changes the working directory.
var testEnv struct {
	tmp        string // TestMain's temporary directory, removed at the end
	checkout   string // the velocc checkout the tests run in
	goTool     string // the go command
	goCache    string // the shared build cache
	modCache   string // the shared module cache
	goProxy    string // the module proxy setting
	tempDir    string // the system's temporary directory
	setupError error
}

func TestMain(m *testing.M) {
	testEnv.setupError = setupTestEnv()
	code := m.Run()
	if testEnv.tmp != "" {
		os.RemoveAll(testEnv.tmp)
	}
	os.Exit(code)
}

func setupTestEnv() error {
	var err error
	if testEnv.checkout, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		return err
	}
	if testEnv.tmp, err = os.MkdirTemp("", "velocc-cmd-test-"); err != nil {
		return err
	}
	testEnv.tempDir = os.TempDir()
	if testEnv.goTool, err = exec.LookPath("go"); err != nil {
		return err
	}
	out, err := exec.Command(testEnv.goTool, "env", "GOCACHE", "GOMODCACHE", "GOPROXY").Output()
	if err != nil {
		return fmt.Errorf("go env: %w", err)
	}
	vals := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(vals) != 3 {
		return fmt.Errorf("go env printed %q", out)
	}
	testEnv.goCache, testEnv.modCache, testEnv.goProxy = vals[0], vals[1], vals[2]
	return nil
}

// veloccCopy builds velocc once with -trimpath (so that the binary holds no path of the checkout), copies it into a
// directory of its own and deletes the build: the tests run the copy.
var veloccCopy = sync.OnceValues(func() (string, error) {
	built := filepath.Join(testEnv.tmp, "build", "velocc")
	cmd := exec.Command(testEnv.goTool, "build", "-trimpath", "-o", built, "./cmd/velocc")
	cmd.Dir = testEnv.checkout
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/velocc: %v\n%s", err, out)
	}
	data, err := os.ReadFile(built)
	if err != nil {
		return "", err
	}
	if bytes.Contains(data, []byte(testEnv.checkout)) {
		return "", fmt.Errorf("the velocc binary built with -trimpath names the checkout %s", testEnv.checkout)
	}
	bin := filepath.Join(testEnv.tmp, "bin", "velocc")
	if err := os.MkdirAll(filepath.Dir(bin), 0o777); err != nil {
		return "", err
	}
	if err := os.WriteFile(bin, data, 0o777); err != nil {
		return "", err
	}
	return bin, os.RemoveAll(filepath.Dir(built))
})

// veloccBin returns the copied velocc binary, skipping the test under -short.
func veloccBin(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds velocc and jobs")
	}
	if testEnv.setupError != nil {
		t.Fatal(testEnv.setupError)
	}
	bin, err := veloccCopy()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// cleanEnv is an environment with nothing of the checkout in it: a fresh HOME and GOPATH, the given module cache,
// the shared build cache (compiled packages, keyed by their content), no VELOCC_* or GOFLAGS of the caller, the
// local toolchain only, and a PATH of velocc's directory, the go command's and the system's.
func cleanEnv(t *testing.T, modCache string, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	bin, _ := veloccCopy()
	env := []string{
		"PATH=" + strings.Join([]string{filepath.Dir(bin), filepath.Dir(testEnv.goTool), "/usr/bin", "/bin"}, string(filepath.ListSeparator)),
		"HOME=" + home,
		"GOPATH=" + filepath.Join(home, "go"),
		"GOMODCACHE=" + modCache,
		"GOCACHE=" + testEnv.goCache,
		"GOTOOLCHAIN=local",
		"GOENV=off",
		"TMPDIR=" + testEnv.tempDir,
	}
	return append(env, extra...)
}

// emptyModCache returns a new, empty module cache, and checks at the end of the test that nothing was downloaded
// into it: it holds no file but the go command's lock.
func emptyModCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Cleanup(func() {
		var files []string
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && p != filepath.Join(dir, "cache", "lock") {
				files = append(files, p)
			}
			return nil
		})
		if len(files) > 0 {
			t.Errorf("the module cache is no longer empty, something was downloaded: %q", files)
			// The go command makes what it downloads read-only; let the temporary directory go.
			clean := exec.Command(testEnv.goTool, "clean", "-modcache")
			clean.Env = append(os.Environ(), "GOMODCACHE="+dir)
			clean.Run()
		}
	})
	return dir
}

// runIn runs a command in dir with env and returns its stdout; it fails the test if the command fails.
func runIn(t *testing.T, env []string, dir, name string, args ...string) string {
	t.Helper()
	c := exec.CommandContext(t.Context(), name, args...)
	c.Dir, c.Env = dir, env
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s%s", filepath.Base(name), strings.Join(args, " "), dir, err, stdout.String(), stderr.String())
	}
	if stderr.Len() > 0 {
		t.Logf("%s %s: stderr:\n%s", filepath.Base(name), strings.Join(args, " "), stderr.String())
	}
	return stdout.String()
}

// writeFiles writes files, by slash path relative to dir, creating directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
}

// trade is one input record of the tests' jobs.
type trade struct {
	Symbol string `json:"symbol"`
	Qty    int64  `json:"qty"`
}

// trades makes n deterministic trades.
func trades(n int) []trade {
	r := rand.New(rand.NewPCG(1, 2))
	ts := make([]trade, n)
	for i := range ts {
		ts[i] = trade{Symbol: string(rune('A' + r.IntN(5))), Qty: 1 + r.Int64N(100)}
	}
	return ts
}

// jsonLines encodes values as JSON lines with encoding/json.
func jsonLines(t *testing.T, vs []trade) string {
	t.Helper()
	var b strings.Builder
	for _, v := range vs {
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// sumsOracle is what 'SELECT symbol, SUM(qty) AS total ... GROUP BY symbol EMIT FINAL' gives, as sorted rows.
func sumsOracle(ts []trade) []string {
	sums := map[string]int64{}
	for _, tr := range ts {
		sums[tr.Symbol] += tr.Qty
	}
	var rows []string
	for s, v := range sums {
		rows = append(rows, fmt.Sprintf("symbol=%s total=%d", s, v))
	}
	slices.Sort(rows)
	return rows
}

// sumRows decodes a job's JSON-lines output of symbol and total into sorted rows like sumsOracle's.
func sumRows(t *testing.T, out string) []string {
	t.Helper()
	var rows []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var row struct {
			Symbol string `json:"symbol"`
			Total  int64  `json:"total"`
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&row); err != nil {
			t.Fatalf("output line %q: %v\nall output:\n%s", line, err, out)
		}
		rows = append(rows, fmt.Sprintf("symbol=%s total=%d", row.Symbol, row.Total))
	}
	slices.Sort(rows)
	return rows
}

// noCheckoutPath fails the test if a file under dir names the checkout.
func noCheckoutPath(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil && bytes.Contains(data, []byte(testEnv.checkout)) {
			t.Errorf("%s names the checkout %s", p, testEnv.checkout)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSelfContainedFileJob builds and runs a file job with the copied velocc, offline: no module proxy, an empty
// module cache.
func TestSelfContainedFileJob(t *testing.T) {
	bin := veloccBin(t)
	work := t.TempDir()
	input := trades(500)
	writeFiles(t, work, map[string]string{"job.sql": goodSQL, "trades.jsonl": jsonLines(t, input)})
	env := cleanEnv(t, emptyModCache(t), "GOPROXY=off", "GOFLAGS=-mod=mod")
	runIn(t, env, work, bin, "build", "job.sql", "-o", "outdir/")
	out := filepath.Join(work, "outdir")
	noCheckoutPath(t, out)
	runIn(t, env, out, testEnv.goTool, "build", "-o", "job", ".")
	// The module is complete as written: the go command's default, -mod=readonly, builds it too.
	runIn(t, append(env, "GOFLAGS="), out, testEnv.goTool, "build", "-o", "job", ".")
	stdout := runIn(t, env, work, filepath.Join(out, "job"), "--bounded")
	if got, want := sumRows(t, stdout), sumsOracle(input); !slices.Equal(got, want) {
		t.Errorf("job rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// kafkaSumSQL reads trades from Kafka and writes the sums to stdout.
const kafkaSumSQL = `CREATE STREAM trades (symbol VARCHAR, qty BIGINT) WITH ('type'='kafka_source', 'topic'='trades');
SELECT symbol, SUM(qty) AS total FROM trades GROUP BY symbol EMIT FINAL;
`

// TestSelfContainedKafkaJob builds a Kafka job with the copied velocc, fetching modules through the module proxy
// (with the shared module cache) under the go command's default -mod=readonly, so that go.mod and go.sum must be
// complete as written; it then runs the job on the test broker.
func TestSelfContainedKafkaJob(t *testing.T) {
	bin := veloccBin(t)
	work := t.TempDir()
	writeFiles(t, work, map[string]string{"k.sql": kafkaSumSQL})
	env := cleanEnv(t, testEnv.modCache, "GOPROXY="+testEnv.goProxy)
	runIn(t, env, work, bin, "build", "k.sql", "-o", "outdir/")
	out := filepath.Join(work, "outdir")
	noCheckoutPath(t, out)
	gomod, gosum := mustRead(t, filepath.Join(out, "go.mod")), mustRead(t, filepath.Join(out, "go.sum"))
	runIn(t, env, out, testEnv.goTool, "build", "-o", "job", ".")
	if !bytes.Equal(gomod, mustRead(t, filepath.Join(out, "go.mod"))) || !bytes.Equal(gosum, mustRead(t, filepath.Join(out, "go.sum"))) {
		t.Error("go build changed go.mod or go.sum")
	}

	brokers := kafkatest.Brokers(t)
	topic := kafkatest.NewTopic(t, brokers, 2)
	input := trades(300)
	recs := make([]*kgo.Record, len(input))
	for i, tr := range input {
		data, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = &kgo.Record{Key: []byte(strconv.Itoa(i)), Value: data}
	}
	kafkatest.Produce(t, brokers, topic, recs...)
	stdout := runIn(t, env, work, filepath.Join(out, "job"), "--bounded", "--brokers", brokers, "--group", "selfc-"+topic, "--source", "trades=kafka:"+topic)
	if got, want := sumRows(t, stdout), sumsOracle(input); !slices.Equal(got, want) {
		t.Errorf("job rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// bigSQL is a second job for the go:generate flow: the trades above a quantity.
const bigSQL = `CREATE STREAM trades (symbol VARCHAR, qty BIGINT) WITH ('type'='file_source','path'='trades.jsonl');
SELECT symbol, qty FROM trades WHERE qty > 50;
`

// TestGoGenerateFlow follows the README's go:generate flow in a fresh module with the copied velocc, offline: go
// mod init, two packages with a go:generate directive each, velocc mod, go generate, go build, and both jobs run.
func TestGoGenerateFlow(t *testing.T) {
	bin := veloccBin(t)
	app := filepath.Join(t.TempDir(), "app")
	input := trades(400)
	writeFiles(t, app, map[string]string{
		"cmd/sums/job.sql":  goodSQL,
		"cmd/sums/gen.go":   "// Command sums is a velocc job.\npackage main\n\n//go:generate velocc job.sql -o job.go\n",
		"cmd/big/big.sql":   bigSQL,
		"cmd/big/gen.go":    "// Command big is a velocc job.\npackage main\n\n//go:generate velocc big.sql -o big.go\n",
		"data/trades.jsonl": jsonLines(t, input),
	})
	env := cleanEnv(t, emptyModCache(t), "GOPROXY=off")
	goTool := testEnv.goTool
	runIn(t, env, app, goTool, "mod", "init", "example.com/app")
	runIn(t, env, app, bin, "mod")
	runIn(t, env, app, goTool, "generate", "./...") // runs velocc from PATH
	runIn(t, env, app, goTool, "build", "./...")
	runIn(t, env, app, goTool, "build", "-o", "bin/", "./cmd/...")
	noCheckoutPath(t, app)

	data := filepath.Join(app, "data")
	stdout := runIn(t, env, data, filepath.Join(app, "bin", "sums"), "--bounded")
	if got, want := sumRows(t, stdout), sumsOracle(input); !slices.Equal(got, want) {
		t.Errorf("sums rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var want []trade
	for _, tr := range input {
		if tr.Qty > 50 {
			want = append(want, tr)
		}
	}
	if got := runIn(t, env, data, filepath.Join(app, "bin", "big"), "--bounded"); got != jsonLines(t, want) {
		t.Errorf("big rows:\n%s\nwant:\n%s", got, jsonLines(t, want))
	}
}

// TestReadmeGoGenerate runs the commands of the README's go:generate section with the copied velocc, offline, in
// a new directory, and checks the rows they print against the sums of the input file they write.
func TestReadmeGoGenerate(t *testing.T) {
	veloccBin(t) // cleanEnv puts its directory first on PATH
	readme := string(mustRead(t, filepath.Join(testEnv.checkout, "README.md")))
	_, section, ok := strings.Cut(readme, "\n### go:generate in your own module\n")
	if !ok {
		t.Fatal("README.md has no section \"go:generate in your own module\"")
	}
	_, block, ok := strings.Cut(section, "\n```sh\n")
	block, _, closed := strings.Cut(block, "\n```\n")
	if !ok || !closed {
		t.Fatal("the README's go:generate section has no sh block")
	}
	work := t.TempDir()
	env := cleanEnv(t, emptyModCache(t), "GOPROXY=off")
	stdout := runIn(t, env, work, "/bin/bash", "-e", "-u", "-o", "pipefail", "-c", block)

	var input []trade
	for _, line := range strings.Split(strings.TrimSpace(string(mustRead(t, filepath.Join(work, "app", "trades.jsonl")))), "\n") {
		var tr trade
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatalf("trades.jsonl line %q: %v", line, err)
		}
		input = append(input, tr)
	}
	if got, want := sumRows(t, stdout), sumsOracle(input); len(input) == 0 || !slices.Equal(got, want) {
		t.Errorf("the README's commands print:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
