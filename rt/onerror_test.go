// Tests of --on-error and --dead-letter: the command line overrides the sources' on.error policies.

package rt

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRunOnErrorFlags runs a job with two sources, each reading a file with one bad record between two good ones,
// under combinations of the flags, and checks what each source did with its bad record: stopped the job (fail),
// dropped it (skip) or appended it to which dead-letter file (dead_letter).
func TestRunOnErrorFlags(t *testing.T) {
	type outcome struct {
		policy string // what the source did with its bad record
		dead   string // dead_letter: the file, relative to the working directory
	}
	tests := []struct {
		name         string
		script       [2]SourceSpec // the script's policies of orders and trades (names and URIs are filled in)
		args         []string
		orders, trad outcome
	}{
		{"script policies", [2]SourceSpec{{OnError: "skip"}, {OnError: "dead_letter", DeadLetter: "t.jsonl"}}, nil,
			outcome{"skip", ""}, outcome{"dead_letter", "t.jsonl"}},
		{"every source", [2]SourceSpec{{}, {OnError: "dead_letter", DeadLetter: "t.jsonl"}},
			[]string{"--on-error", "skip"}, outcome{"skip", ""}, outcome{"skip", ""}},
		{"one source", [2]SourceSpec{{OnError: "skip"}, {OnError: "skip"}},
			[]string{"--on-error=trades=fail"}, outcome{"skip", ""}, outcome{"fail", ""}},
		{"a source's own flag wins whatever the order", [2]SourceSpec{{}, {}},
			[]string{"--on-error", "orders=skip", "--on-error", "dead_letter", "--dead-letter", "all.jsonl"},
			outcome{"skip", ""}, outcome{"dead_letter", "all.jsonl"}},
		{"default dead-letter file", [2]SourceSpec{{}, {OnError: "skip"}},
			[]string{"-on-error", "dead_letter"},
			outcome{"dead_letter", "orders.dead_letter.jsonl"}, outcome{"dead_letter", "trades.dead_letter.jsonl"}},
		{"the script's dead-letter file stays unless a flag moves it",
			[2]SourceSpec{{OnError: "dead_letter", DeadLetter: "o.jsonl"}, {OnError: "dead_letter", DeadLetter: "t.jsonl"}},
			[]string{"--dead-letter", "trades=bad.jsonl"}, outcome{"dead_letter", "o.jsonl"}, outcome{"dead_letter", "bad.jsonl"}},
		{"one file for both, before the policy flag", [2]SourceSpec{{}, {OnError: "dead_letter", DeadLetter: "t.jsonl"}},
			[]string{"--dead-letter", "sub/both.jsonl", "--on-error", "orders=dead_letter"},
			outcome{"dead_letter", "sub/both.jsonl"}, outcome{"dead_letter", "sub/both.jsonl"}},
		{"a path with = after a directory", [2]SourceSpec{{OnError: "dead_letter"}, {OnError: "skip"}},
			[]string{"--dead-letter", "./a=b.jsonl"}, outcome{"dead_letter", "a=b.jsonl"}, outcome{"skip", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			if err := os.Mkdir("sub", 0o755); err != nil {
				t.Fatal(err)
			}
			specs := tt.script
			for i, name := range []string{"orders", "trades"} {
				specs[i].Name, specs[i].URI = name, "file:"+name+".jsonl"
				writeFile(t, name+".jsonl", `{"symbol":"`+name+`-1","qty":1}`+"\n"+
					`{"symbol":"`+name+`-2","qty":"x"}`+"\n"+`{"symbol":"`+name+`-3","qty":3}`+"\n")
			}
			res := runJob(context.Background(), orderJob(specs[0], specs[1]), append([]string{"--bounded"}, tt.args...)...)

			want := map[string]outcome{"orders": tt.orders, "trades": tt.trad}
			fails := tt.orders.policy == "fail" || tt.trad.policy == "fail"
			if fails != (res.code == 1) || (!fails && res.code != 0) {
				t.Fatalf("exit %d (a source fails: %v); stderr:\n%s", res.code, fails, res.stderr)
			}
			deadLetters := map[string][]string{} // file -> sources of its entries
			for _, name := range []string{"orders", "trades"} {
				o := want[name]
				switch o.policy {
				case "fail":
					if !strings.Contains(res.stderr, "orders_job: "+name+`.jsonl:2: field "qty"`) {
						t.Errorf("%s: the job did not stop at its bad record:\n%s", name, res.stderr)
					}
				case "skip":
					if !fails && !strings.Contains(res.stderr, name+": skipped "+name+".jsonl:2: ") {
						t.Errorf("%s: the bad record was not skipped:\n%s", name, res.stderr)
					}
				case "dead_letter":
					deadLetters[o.dead] = append(deadLetters[o.dead], name)
				}
				// When one source stops the job, the other may not have reached its bad record.
				if o.policy != "fail" && !fails && !strings.Contains(res.stderr, name+": read 3, bad 1, late 0\n") {
					t.Errorf("%s: stats wrong:\n%s", name, res.stderr)
				}
				if o.policy != "skip" && strings.Contains(res.stderr, name+": skipped") {
					t.Errorf("%s: skipped a record under %s:\n%s", name, o.policy, res.stderr)
				}
			}
			for file, sources := range deadLetters {
				if fails {
					break
				}
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("dead letters of %v: %v", sources, err)
				}
				var got []string
				for _, e := range jsonLines(t, string(b)) {
					got = append(got, e["source"].(string)+"@"+e["file"].(string))
				}
				var wantEntries []string
				for _, s := range sources {
					wantEntries = append(wantEntries, s+"@"+s+".jsonl")
				}
				slices.Sort(got)
				if !slices.Equal(got, wantEntries) {
					t.Errorf("%s holds %v, want %v", file, got, wantEntries)
				}
			}
			// No other dead-letter file was written.
			files, _ := filepath.Glob("*.jsonl")
			sub, _ := filepath.Glob("sub/*.jsonl")
			for _, f := range append(files, sub...) {
				if _, ok := deadLetters[f]; !ok && f != "orders.jsonl" && f != "trades.jsonl" {
					t.Errorf("unexpected file %s", f)
				}
			}
		})
	}
}

// TestRunOnErrorFlagErrors checks that a wrong --on-error or --dead-letter is a usage error naming the flag.
func TestRunOnErrorFlagErrors(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, filepath.Join(dir, "o.jsonl"), "")
	specs := []SourceSpec{{Name: "orders", URI: "file:" + in, OnError: "skip"}, {Name: "trades", URI: "file:" + in}}
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"--on-error", "ignore"},
			`flag --on-error wants fail, skip or dead_letter (for one source: NAME=POLICY), got "ignore"`},
		{[]string{"--on-error", "orders=dead-letter"},
			`flag --on-error wants fail, skip or dead_letter (for one source: NAME=POLICY), got "orders=dead-letter"`},
		{[]string{"--on-error", "quotes=skip"},
			`--on-error quotes=skip: the job has no source "quotes"; its sources are "orders", "trades"`},
		{[]string{"--on-error"}, "flag --on-error needs a value"},
		{[]string{"--dead-letter", ""}, `flag --dead-letter wants a file path or kafka:TOPIC (for one source: NAME=PATH or NAME=kafka:TOPIC), got ""`},
		{[]string{"--dead-letter", "orders="}, `flag --dead-letter wants a file path or kafka:TOPIC (for one source: NAME=PATH or NAME=kafka:TOPIC), got "orders="`},
		{[]string{"--dead-letter", "orders=kafka:"}, `flag --dead-letter wants a file path or kafka:TOPIC (for one source: NAME=PATH or NAME=kafka:TOPIC), got "orders=kafka:"`},
		{[]string{"--dead-letter", "bad.jsonl"},
			"--dead-letter bad.jsonl: no source of the job dead-letters bad records; add --on-error dead_letter"},
		{[]string{"--dead-letter", "orders=bad.jsonl", "--on-error", "trades=dead_letter"},
			`--dead-letter orders=bad.jsonl: source "orders" does not dead-letter bad records (its on.error is skip); add --on-error orders=dead_letter`},
		{[]string{"--dead-letter", "trades=bad.jsonl"},
			`--dead-letter trades=bad.jsonl: source "trades" does not dead-letter bad records (its on.error is fail); add --on-error trades=dead_letter`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			res := runJob(context.Background(), orderJob(specs...), tt.args...)
			if want := "orders_job: " + tt.msg + " (see --help)\n"; res.code != 2 || res.stderr != want {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2, stderr:\n%s", res.code, res.stderr, want)
			}
		})
	}
}
