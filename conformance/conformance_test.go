// TestCases: every case file under testdata/cases, one subtest per file and per case.
package conformance

import (
	"flag"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCases runs every case of every testdata/cases/*.case file as the subtest TestCases/<file>/<case>, where
// <file> is the file's name without ".case". All selected cases are built and run together before the subtests
// report, so -run selects which cases run at all.
func TestCases(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "cases", "*.case"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no case files in testdata/cases")
	}
	type file struct {
		name  string
		ds    *Dataset
		cases []*Case
		err   error
	}
	var files []*file
	var batches []Batch
	ncases := 0
	for _, p := range paths {
		f := &file{name: strings.TrimSuffix(filepath.Base(p), ".case")}
		f.ds, f.cases, f.err = ParseFile(p)
		files = append(files, f)
		var sel []*Case
		for _, c := range f.cases {
			if selected("TestCases", f.name, c.Name) {
				sel = append(sel, c)
			}
		}
		if len(sel) > 0 {
			batches = append(batches, Batch{Dataset: f.ds, Cases: sel})
			ncases += len(sel)
		}
	}

	r := NewRunner(t)
	start := time.Now()
	results := map[*Case]*Result{}
	for _, rs := range r.RunBatches(batches) {
		for _, res := range rs {
			results[res.Case] = res
		}
	}
	failed, skipped := 0, 0
	for _, res := range results {
		switch {
		case res.Failure != "":
			failed++
		case res.Skipped != "":
			skipped++
		}
	}
	t.Logf("%d case files, %d cases run in %v (%d go builds: %v): %d passed, %d failed, %d pending (DuckDB only)",
		len(paths), ncases, time.Since(start).Round(time.Millisecond),
		r.Builds, r.BuildTime.Round(time.Millisecond), ncases-failed-skipped, failed, skipped)

	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			if f.err != nil {
				t.Fatal(f.err)
			}
			for _, c := range f.cases {
				t.Run(c.Name, func(t *testing.T) {
					res := results[c]
					if res == nil { // selected by 'go test' though not by selected: run it now
						res = r.Run(f.ds, []*Case{c})[0]
					}
					if res.Failure != "" {
						t.Error("\n" + res.Failure)
					} else if res.Skipped != "" {
						t.Skip(res.Skipped)
					}
				})
			}
		})
	}
}

// selected reports whether 'go test' will run the subtest with these names under its -run and -skip flags. It
// follows package testing's matching: the patterns split at '/' (and alternatives at '|') outside brackets and
// parentheses, each element matching one level of the name.
func selected(names ...string) bool {
	for i := range names {
		names[i] = strings.ReplaceAll(names[i], " ", "_")
	}
	if run := flagValue("test.run"); run != "" {
		ok := false
		for _, alt := range splitPattern(run) {
			if matchLevels(alt, names, false) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if skip := flagValue("test.skip"); skip != "" {
		for _, alt := range splitPattern(skip) {
			if matchLevels(alt, names, true) {
				return false
			}
		}
	}
	return true
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// matchLevels matches the names against the pattern's elements. A pattern shorter than the names matches their
// children too; full requires every element to be used (as -skip does).
func matchLevels(pat, names []string, full bool) bool {
	if full && len(pat) > len(names) {
		return false
	}
	for i, p := range pat {
		if i >= len(names) {
			break
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return true // let 'go test' report it
		}
		if !re.MatchString(names[i]) {
			return false
		}
	}
	return true
}

// splitPattern splits a -run pattern into its alternatives, and those into their levels, as package testing does.
func splitPattern(s string) [][]string {
	var alts [][]string
	var cur []string
	cs, cp := 0, 0
	for i := 0; i < len(s); {
		switch s[i] {
		case '[':
			cs++
		case ']':
			if cs--; cs < 0 {
				cs = 0
			}
		case '(':
			if cs == 0 {
				cp++
			}
		case ')':
			if cs == 0 {
				cp--
			}
		case '\\':
			i++
		case '/', '|':
			if cs == 0 && cp == 0 {
				cur = append(cur, s[:i])
				if s[i] == '|' {
					alts = append(alts, cur)
					cur = nil
				}
				s = s[i+1:]
				i = 0
				continue
			}
		}
		i++
	}
	return append(alts, append(cur, s))
}
