// 'velocc test': run a job on the inputs of fixture cases and compare each sink's rows with the expected ones.

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/fixture"
)

// testJob is 'velocc test [-ordered] [-run RE] [-v] SCRIPT [FIXTURE...]'.
func testJob(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	ordered := fs.Bool("ordered", false, "")
	runRE := fs.String("run", "", "")
	verbose := fs.Bool("v", false, "")
	pos, err := flagsAnywhere("test", fs, args)
	if err != nil {
		return helpOr(err, stdout)
	}
	if len(pos) == 0 {
		return usageError("test: no script given")
	}
	match, err := regexp.Compile(*runRE)
	if err != nil {
		return usageError("test: -run: " + err.Error())
	}
	script, paths := pos[0], pos[1:]
	if len(paths) == 0 {
		p, err := defaultFixture(script)
		if err != nil {
			return err
		}
		paths = []string{p}
	}
	all, err := fixture.Load(paths)
	if err != nil {
		return err
	}
	var cases []*fixture.Case
	for _, c := range all {
		if match.MatchString(c.Name) {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return fmt.Errorf("no test case matches -run %q (the cases are %s)", *runRE, caseNames(all))
	}

	plan, code, err := generate(script, false, links{}, stdin, stderr)
	if err != nil {
		return err
	}
	var bad []string
	for _, c := range cases {
		if err := c.Check(plan); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if len(bad) > 0 {
		return errors.New(strings.Join(bad, "\n"))
	}
	bin, err := buildCached(plan, code, scriptName(script), stderr)
	if err != nil {
		return err
	}

	width := 0
	for _, c := range cases {
		width = max(width, len(c.Name))
	}
	failed := 0
	for _, c := range cases {
		res, err := runCase(bin, plan, c, *ordered)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Path, err)
		}
		if len(res.problems) > 0 {
			failed++
			fmt.Fprintf(stdout, "FAIL  %-*s  %s\n", width, c.Name, c.Path)
			for _, line := range res.problems {
				fmt.Fprintf(stdout, "      %s\n", line)
			}
		} else {
			fmt.Fprintf(stdout, "ok    %-*s  %s\n", width, c.Name, res.summary)
		}
		if *verbose && !res.jobFailed {
			fmt.Fprintf(stdout, "      the job's stderr:\n%s", indent(res.stderr, "        "))
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "FAIL  %d of %s\n", failed, plural(len(cases), "case"))
		return errReported
	}
	fmt.Fprintf(stdout, "PASS  %s\n", plural(len(cases), "case"))
	return nil
}

// defaultFixture is where the cases of script NAME.sql are when none are named: NAME_test/ or NAME_test.txtar.
func defaultFixture(script string) (string, error) {
	if script == stdinScript {
		return "", usageError("test: a script read from stdin needs a FIXTURE argument")
	}
	base := strings.TrimSuffix(script, filepath.Ext(script)) + "_test"
	for _, p := range []string{base, base + ".txtar"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no test cases for %s: create %s/ or %s.txtar (see docs/testing.md), or name a FIXTURE", script, base, base)
}

// caseResult is the outcome of one case.
type caseResult struct {
	problems  []string // why it failed; empty if it passed
	summary   string   // what a passing case checked: "select_1: 3 rows"
	stderr    []byte   // the job's
	jobFailed bool     // the job exited with an error: problems show its stderr
}

// runCase runs the job --bounded in a new directory holding the case's inputs (in/) with each sink written to
// out/, then compares the statistics and every sink's rows with the expected ones. An error means the case could
// not be run at all.
func runCase(bin string, plan *compiler.Plan, c *fixture.Case, ordered bool) (*caseResult, error) {
	tmp, err := os.MkdirTemp("", "velocc-test-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, sub := range []string{"in", "out"} {
		if err := os.Mkdir(filepath.Join(tmp, sub), 0o777); err != nil {
			return nil, err
		}
	}
	// Relative URIs from the job's working directory: the job's messages then name in/orders.jsonl as the case
	// does, and no path needs escaping in a URI.
	args := []string{"--bounded", "--progress", "0"}
	for _, in := range c.Inputs {
		if err := placeInput(in, filepath.Join(tmp, filepath.FromSlash(in.Rel))); err != nil {
			return nil, err
		}
		args = append(args, "--source", in.Name+"=file:"+in.Rel)
	}
	for _, out := range c.Outputs {
		args = append(args, "--sink", out.Name+"=file:"+out.Rel)
	}
	args = append(args, c.Args...)

	res := &caseResult{}
	var jobErr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stderr = tmp, &jobErr
	err = cmd.Run()
	res.stderr = jobErr.Bytes()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		what := fmt.Sprintf("exited with status %d", ee.ExitCode())
		if ee.ExitCode() < 0 {
			what = "was stopped (" + ee.String() + ")"
		}
		res.jobFailed = true
		res.problems = append(res.problems, "the job "+what+"; its stderr:")
		res.problems = append(res.problems, strings.Split(strings.TrimRight(indent(res.stderr, "  "), "\n"), "\n")...)
		return res, nil
	}
	if err != nil {
		return nil, err
	}

	res.problems = append(res.problems, c.CheckCounts(fixture.JobCounts(res.stderr, plan), plan)...)
	var summary []string
	for _, out := range c.Outputs {
		sink := sinkNamed(plan, out.Name)
		cols := fixture.Columns(sink)
		want, err := fixture.Read(c.Where(out), out.Data, cols)
		if err != nil {
			res.problems = append(res.problems, err.Error())
			continue
		}
		want.Name = out.Rel
		data, err := os.ReadFile(filepath.Join(tmp, filepath.FromSlash(out.Rel)))
		if err != nil {
			return nil, err
		}
		got, err := fixture.Read(out.Rel, data, cols)
		if err != nil {
			// The job writes what its sink's columns say; a row velocc cannot read back is a velocc bug.
			return nil, fmt.Errorf("reading what sink %q wrote: %w", out.Name, err)
		}
		got.Name = "written"
		res.problems = append(res.problems, fixture.Diff(out.Name, cols, want, got, ordered)...)
		summary = append(summary, fmt.Sprintf("%s: %s", out.Name, plural(len(got.Rows), "row")))
	}
	res.summary = strings.Join(summary, ", ")
	return res, nil
}

// placeInput puts an input of a case at dst: a link to the case's file, or a copy where links are not allowed, or
// the content of a .txtar section.
func placeInput(in *fixture.File, dst string) error {
	if in.Path == "" {
		return os.WriteFile(dst, in.Data, 0o666)
	}
	src, err := filepath.Abs(in.Path)
	if err != nil {
		return err
	}
	if os.Symlink(src, dst) == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o666)
}

func sinkNamed(plan *compiler.Plan, name string) *compiler.Sink {
	for _, s := range plan.Sinks {
		if s.Name == name {
			return s
		}
	}
	panic("no sink " + name + " after Case.Check") // Check matched every output to a sink
}

func caseNames(cases []*fixture.Case) string {
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// indent prefixes each line of text with prefix.
func indent(text []byte, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(text), "\n") {
		if line != "" {
			b.WriteString(prefix + line)
		}
	}
	s := b.String()
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}
