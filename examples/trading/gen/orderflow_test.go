package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOrderflowJob runs what 'make demo' runs: it builds velocc, compiles ../orderflow.sql into a module, builds the
// job and runs it --bounded over generated orders, then compares the alert rows with expectedAlerts, an oracle that
// evaluates the query directly in Go.
func TestOrderflowJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds velocc and a generated job")
	}
	dir := t.TempDir()
	cfg := testConfig(1)
	var data bytes.Buffer
	if _, err := generate(&data, cfg, nil); err != nil {
		t.Fatal(err)
	}
	orders := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(orders, data.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}
	job := buildExampleJob(t, dir, "orderflow")

	c := exec.CommandContext(t.Context(), job, "--bounded", "--source", "order_book_stream=file:"+orders)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("orderflow --bounded: %v\n%s", err, stderr.Bytes())
	}
	if !strings.Contains(stderr.String(), "order_book_stream: read 60000, bad 0, late 0\n") {
		t.Errorf("stats on stderr: want every order read and none late, got:\n%s", stderr.Bytes())
	}

	var got []alert
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var a alert
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("output row %s: %v", sc.Bytes(), err)
		}
		got = append(got, a)
	}
	want := expectedAlerts(readOrders(t, data.Bytes(), cfg))
	if len(want) == 0 {
		t.Fatal("the oracle expects no alerts; the test data has no bursts")
	}
	// Windows close in event-time order; within a window, rows come in the order the groups were first seen.
	if !slices.IsSortedFunc(got, func(a, b alert) int { return int(a.AnalysisTime - b.AnalysisTime) }) {
		t.Errorf("alert rows are not in window order:\n%s", out)
	}
	key := func(as []alert) []string {
		var s []string
		for _, a := range as {
			s = append(s, a.String())
		}
		slices.Sort(s)
		return s
	}
	if g, w := key(got), key(want); !slices.Equal(g, w) {
		t.Errorf("alert rows differ\n got: %s\nwant: %s", strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}

// buildExampleJob does what 'make demo' does for ../NAME.sql: it builds velocc, compiles the script into a module
// in dir, builds the job there and returns the job's path.
func buildExampleJob(t *testing.T, dir, name string) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	run := func(cwd, prog string, args ...string) {
		t.Helper()
		c := exec.CommandContext(t.Context(), prog, args...)
		c.Dir = cwd
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, out)
		}
	}
	velocc := filepath.Join(dir, "velocc")
	run(root, "go", "build", "-o", velocc, "./cmd/velocc")
	module := filepath.Join(dir, name) + string(filepath.Separator)
	run(root, velocc, "build", filepath.Join("examples", "trading", name+".sql"), "-o", module)
	job := filepath.Join(module, name)
	run(module, "go", "build", "-o", job, ".")
	return job
}
