package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOnErrorFlags runs the onerror job with its failing source switched to dead letters on the command line
// (--on-error and --dead-letter per source): that source must then do exactly what the source whose script says
// dead_letter does with the same file: the same rows, the same dead letters, in a file of its own.
func TestOnErrorFlags(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "bad.jsonl", []byte(badRecords))
	writeFile(t, dir, "good.jsonl", []byte(`{"id":1,"name":"a","amount":1.25,"t":1000}`+"\n"))
	res := runOK(t, "onerror", dir, "--bounded", "--source", "src_skip=file:good.jsonl",
		"--on-error", "src_fail=dead_letter", "--dead-letter", "src_fail=cli.jsonl")

	if got, want := readFile(t, dir, "out_fail.jsonl"), readFile(t, dir, "out_dl.jsonl"); got != want || want == "" {
		t.Errorf("out_fail.jsonl:\n%s\nwant what out_dl.jsonl holds:\n%s", got, want)
	}
	if got, want := statsLine(t, res.Stderr, "src_fail"), "src_fail: read 9, bad 5, late 0"; got != want {
		t.Errorf("stats: got %q, want %q", got, want)
	}
	type letter struct {
		Source, File, Error, Record string
		Line                        int
	}
	letters := func(name string) []letter {
		var out []letter
		for _, l := range strings.Split(strings.TrimSuffix(readFile(t, dir, name), "\n"), "\n") {
			var dl letter
			if err := json.Unmarshal([]byte(l), &dl); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, dl)
		}
		return out
	}
	script, cli := letters("dead.jsonl"), letters("cli.jsonl")
	if len(script) != 5 || len(cli) != len(script) {
		t.Fatalf("dead.jsonl has %d letters, cli.jsonl %d; want 5 each", len(script), len(cli))
	}
	for i := range cli {
		want := script[i]
		if want.Source != "src_dl" {
			t.Errorf("dead.jsonl letter %d is from %q, want src_dl only", i+1, want.Source)
		}
		want.Source = "src_fail"
		if cli[i] != want {
			t.Errorf("cli.jsonl letter %d: %+v, want %+v", i+1, cli[i], want)
		}
	}
}
