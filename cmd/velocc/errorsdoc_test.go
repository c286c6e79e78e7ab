// The examples of docs/errors.md, checked against what velocc prints and the codes the compiler gives.

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/velocc/velocc/compiler"
)

// errorsDocPreamble is the declaration docs/errors.md says its examples that use orders without declaring it
// follow.
const errorsDocPreamble = "CREATE STREAM orders (symbol VARCHAR, price DECIMAL(12,4), event_time TIMESTAMP)\n" +
	"  WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');\n"

// TestErrorsDoc runs every example of docs/errors.md as a user would: the ```sql block is job.sql, a block
// introduced by "`NAME`, next to the script" is the file NAME beside it, and each plain ``` block after them is
// exactly the diagnostic lines `velocc check job.sql` must print, in order. Every diagnostic of an example must
// carry the code of its section, and every code but CodeTooMany must have an example.
func TestErrorsDoc(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "errors.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := regexp.MustCompile("(?m)^## ").Split(string(doc), -1)
	heading := regexp.MustCompile("^([0-9]+) `(Code[A-Za-z]+)`")
	fence := regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```\n")
	fileIntro := regexp.MustCompile("(?m)^`([^`/]+)`, next to the script")
	covered := map[compiler.Code]bool{}
	checked := 0
	for _, sec := range sections[1:] {
		m := heading.FindStringSubmatch(sec)
		if m == nil {
			t.Fatalf("docs/errors.md: section %q does not start with N `CodeName`", strings.SplitN(sec, "\n", 2)[0])
		}
		n, _ := strconv.Atoi(m[1])
		code, title := compiler.Code(n), m[0]
		var script string
		files := map[string]string{}
		prev := 0 // where the text after the previous block starts
		for _, loc := range fence.FindAllStringSubmatchIndex(sec, -1) {
			lang, body := sec[loc[2]:loc[3]], sec[loc[4]:loc[5]]
			between := sec[prev:loc[0]]
			prev = loc[1]
			switch {
			case lang == "sql":
				script, files = body, map[string]string{}
				if strings.Contains(script, "orders") && !strings.Contains(strings.ToUpper(script), "CREATE STREAM ORDERS") {
					script = errorsDocPreamble + script
				}
			case lang == "":
				if script == "" {
					t.Errorf("docs/errors.md %s: an output block before any ```sql block", title)
					continue
				}
				checked++
				covered[code] = true
				checkErrorsDocExample(t, title, code, script, files, strings.Split(strings.TrimSuffix(body, "\n"), "\n"))
			default:
				intro := fileIntro.FindAllStringSubmatch(between, -1)
				if len(intro) == 0 {
					t.Errorf("docs/errors.md %s: a ```%s block that is no file next to the script; introduce it with \"`NAME`, next to the script\"", title, lang)
					continue
				}
				files[intro[len(intro)-1][1]] = body
			}
		}
	}
	for c := compiler.CodeSyntax; c <= compiler.CodeAvroSchema; c++ {
		if !covered[c] && c != compiler.CodeTooMany {
			t.Errorf("docs/errors.md: code %d has no example whose output the test checks", c)
		}
	}
	t.Logf("%d examples checked", checked)
}

// checkErrorsDocExample writes the script and its files into a fresh directory, runs velocc check there and
// compares the diagnostic lines it prints with want; it also compiles the script to compare the codes.
func checkErrorsDocExample(t *testing.T, title string, code compiler.Code, script string, files map[string]string, want []string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	files["job.sql"] = script
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	_, _, stderr := runCLI(t, "", "check", "job.sql")
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, " ") { // the snippet and caret lines are indented
			got = append(got, line)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("docs/errors.md %s: the example prints\n  %s\nbut the doc says\n  %s", title, strings.Join(got, "\n  "),
			strings.Join(want, "\n  "))
	}
	_, diags := compiler.Compile("job.sql", []byte(script), &compiler.Options{})
	if len(diags) == 0 {
		t.Errorf("docs/errors.md %s: the example has no diagnostic", title)
	}
	for _, d := range diags {
		if d.Code != code {
			t.Errorf("docs/errors.md %s: %s has code %d", title, d, d.Code)
		}
	}
}
