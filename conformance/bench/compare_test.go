package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCanonDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"12.3400": "12.34", "12.34": "12.34", "1.234e1": "12.34", "1234E-2": "12.34", "-0.000": "0", "0": "0",
		"007": "7", "7.": "7", "-5.10": "-5.1", "170141183460469231731687303715884105727": "170141183460469231731687303715884105727",
		"1e+21": "1000000000000000000000", "-2.5e-3": "-0.0025",
	} {
		got, err := canonDecimal(in)
		if err != nil || got != want {
			t.Errorf("canonDecimal(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.2.3", "-", "1e"} {
		if got, err := canonDecimal(bad); err == nil {
			t.Errorf("canonDecimal(%q) = %q, want an error", bad, got)
		}
	}
}

// writeLines writes a file of lines into dir and returns its path.
func writeLines(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCompareOutputs(t *testing.T) {
	dir := t.TempDir()
	w := &workload{approx: map[string]float64{"avg": 1e-7}}
	velocc := writeLines(t, dir, "v.jsonl",
		`{"k":"a","n":3,"s":12.3400,"avg":4.1133333}`,
		`{"k":"b","n":1,"s":-0.50,"avg":null}`,
		`{"k":"c","n":2,"s":1,"avg":0.5000000}`)
	cases := []struct {
		name  string
		duck  []string
		error string // "" when they match
	}{
		{"same rows, other order and forms", []string{
			`{"k":"c","n":2,"s":1.0,"avg":0.5}`,
			`{"avg":null,"k":"b","n":1,"s":-0.5}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, ""},
		{"an exact column differs", []string{
			`{"k":"c","n":2,"s":1.0001,"avg":0.5}`,
			`{"k":"b","n":1,"s":-0.5,"avg":null}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "1 of velocc's and 1 of DuckDB's have no match"},
		{"an approximate column is out of tolerance", []string{
			`{"k":"c","n":2,"s":1,"avg":0.5000002}`,
			`{"k":"b","n":1,"s":-0.5,"avg":null}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "velocc only"},
		{"NULL against a number", []string{
			`{"k":"c","n":2,"s":1,"avg":0.5}`,
			`{"k":"b","n":1,"s":-0.5,"avg":0}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "DuckDB only"},
		{"a row missing", []string{
			`{"k":"c","n":2,"s":1,"avg":0.5}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "velocc wrote 3 rows, DuckDB 2"},
		{"a string instead of a number", []string{
			`{"k":"c","n":"2","s":1,"avg":0.5}`,
			`{"k":"b","n":1,"s":-0.5,"avg":null}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "no match"},
		{"a column more", []string{
			`{"k":"c","n":2,"s":1,"avg":0.5,"x":1}`,
			`{"k":"b","n":1,"s":-0.5,"avg":null}`,
			`{"k":"a","n":3,"s":12.34,"avg":4.113333333333333}`}, "no match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			duck := writeLines(t, dir, "d.jsonl", c.duck...)
			err := compareOutputs(w, velocc, duck)
			switch {
			case c.error == "" && err != nil:
				t.Errorf("got %v, want a match", err)
			case c.error != "" && (err == nil || !strings.Contains(err.Error(), c.error)):
				t.Errorf("got %v, want an error with %q", err, c.error)
			}
		})
	}
}

func TestCompareOrdered(t *testing.T) {
	dir := t.TempDir()
	w := &workload{ordered: true}
	velocc := writeLines(t, dir, "v.jsonl", `{"id":1,"p":1.50}`, `{"id":2,"p":2.00}`, `{"id":3,"p":3.25}`)
	for _, c := range []struct {
		duck  []string
		error string
	}{
		{[]string{`{"id":1,"p":1.5}`, `{"id":2,"p":2}`, `{"id":3,"p":3.25}`}, ""},
		{[]string{`{"id":2,"p":2}`, `{"id":1,"p":1.5}`, `{"id":3,"p":3.25}`}, "row 1 differs"},
		{[]string{`{"id":1,"p":1.5}`, `{"id":2,"p":2}`}, "velocc wrote more rows"},
		{[]string{`{"id":1,"p":1.5}`, `{"id":2,"p":2}`, `{"id":3,"p":3.25}`, `{"id":4,"p":0}`}, "DuckDB wrote more rows"},
	} {
		duck := writeLines(t, dir, "d.jsonl", c.duck...)
		err := compareOutputs(w, velocc, duck)
		if c.error == "" && err != nil || c.error != "" && (err == nil || !strings.Contains(err.Error(), c.error)) {
			t.Errorf("DuckDB %v: got %v, want %q", c.duck, err, c.error)
		}
	}
}
