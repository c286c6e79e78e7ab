// The conformance engine: each case's velocc query is compiled, built and run over generated data, its DuckDB
// query runs over the same data, and the two results are compared.
package conformance

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	goparser "go/parser"
	"go/token"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
	"github.com/velocc/velocc/codegen"
	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/internal/e2e"
)

var (
	flagKeep = flag.Bool("conformance.keep", false,
		"keep the work directory (generated data, jobs, outputs) and print its path")
	flagWork = flag.String("conformance.work", "",
		"use this work directory instead of a temporary one (implies -conformance.keep)")
	flagJobTimeout = flag.Duration("conformance.jobtimeout", 2*time.Minute, "how long one velocc job may run")
	flagPending    = flag.Bool("conformance.pending", false,
		"run the velocc side of pending cases too (-- pending \"REASON\" --), as if they were not pending")
)

// modulePath is the module the generated jobs import rt from.
const modulePath = "github.com/velocc/velocc"

// Runner runs cases: it knows the velocc checkout the jobs build against and the directory it works in.
type Runner struct {
	tb     testing.TB
	root   string // the velocc checkout (the directory of its go.mod)
	work   string // the work directory
	goTool string
	mu     sync.Mutex
	nbatch int // batches run so far, for directory names
	nbuild int // builds run so far, for directory names
	round  int // the build round of the current RunBatches, from 1

	// Builds and BuildTime add up the 'go build' runs so far, for reports.
	Builds    int
	BuildTime time.Duration
}

// Result is the outcome of one case.
type Result struct {
	Case    *Case
	Failure string // "" when the case passed; otherwise a readable report
	// Skipped is why a pending case was not run by velocc ("" otherwise); its DuckDB query ran and Failure says
	// whether that went wrong.
	Skipped string
}

// Batch is a data set and the cases to run over it.
type Batch struct {
	Dataset *Dataset
	Cases   []*Case
}

// NewRunner finds the velocc checkout above the working directory and makes a work directory, removed when tb
// ends unless -conformance.keep or -conformance.work is given.
func NewRunner(tb testing.TB) *Runner {
	tb.Helper()
	root, err := e2e.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	r := &Runner{tb: tb, root: root, goTool: goTool}
	switch {
	case *flagWork != "":
		// One directory per test, emptied first, so that runs and tests do not mix their files.
		r.work, err = filepath.Abs(filepath.Join(*flagWork, unsafeName.ReplaceAllString(tb.Name(), "_")))
		if err == nil {
			err = os.RemoveAll(r.work)
		}
		if err == nil {
			err = os.MkdirAll(r.work, 0o777)
		}
	case *flagKeep:
		r.work, err = os.MkdirTemp("", "conformance-")
	default:
		r.work = tb.TempDir()
	}
	if err != nil {
		tb.Fatal(err)
	}
	if *flagKeep || *flagWork != "" {
		tb.Logf("conformance work directory: %s", r.work)
	}
	return r
}

// Run runs the cases of one data set and returns one Result per case, in the same order.
func (r *Runner) Run(ds *Dataset, cases []*Case) []*Result {
	return r.RunBatches([]Batch{{Dataset: ds, Cases: cases}})[0]
}

// RunBatches runs several data sets' cases together: all velocc jobs are built by one 'go build' (a second one
// only when a job has to be split up), which is most of the time a run takes. The results are in batch and case
// order.
func (r *Runner) RunBatches(batches []Batch) [][]*Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	var bs []*batch
	for _, b := range batches {
		r.nbatch++
		bs = append(bs, r.prepare(r.nbatch, b))
	}
	defer func() {
		for _, b := range bs {
			if b.db != nil {
				b.db.Close()
			}
		}
	}()

	var jobs []*job
	for _, b := range bs {
		jobs = append(jobs, b.plan()...)
	}
	for r.round = 1; len(jobs) > 0; r.round++ {
		jobs = r.buildAndRun(jobs)
	}

	out := make([][]*Result, len(bs))
	for i, b := range bs {
		for _, c := range b.cases {
			if c.result == nil { // cannot happen; keep the report honest if it does
				c.fail("internal error: the case was never run")
			}
			out[i] = append(out[i], c.result)
		}
	}
	return out
}

// batch is one data set being run.
type batch struct {
	r          *Runner
	ds         *Dataset
	dir        string
	jsonl, csv string
	pretty     string // the JSON lines in the pretty style (PrettyFile)
	db         *sql.DB
	cases      []*caseRun
}

// caseRun is one case being run.
type caseRun struct {
	b      *batch
	c      *Case
	cols   []*compiler.Column // velocc's output columns: those of the case's bare SELECT or of its Output stream
	names  []string           // the streams and tables the case's statements declare, lower-cased
	result *Result
	duck   *duckResult // the DuckDB result, once run
}

// job is one generated velocc program: a batch's cases that run together, or one case alone.
type job struct {
	name    string
	b       *batch
	cases   []*caseRun
	outs    []string   // the sink whose rows each case compares: its bare SELECT's (select_N) or its Output stream's
	goIDs   [][]string // Go names of each case's queries and streams in the generated code
	spans   [][2]int   // first and last line of each case's text in the script
	sinks   []string   // the sinks the job writes to files of its own: every sink with an output, and outs
	merged  []bool     // each case's rows come from several sources: their order may differ from run to run
	sources []string   // the sources the generated job declares (rt.Job's Sources), as it spells them
	src     []byte     // generated Go
	bin     string
}

func (c *caseRun) fail(format string, args ...any) {
	if c.result == nil {
		c.result = &Result{Case: c.c, Failure: c.header() + fmt.Sprintf(format, args...)}
	}
}

func (c *caseRun) pass() {
	if c.result == nil {
		c.result = &Result{Case: c.c}
	}
}

// header is the first lines of a failure report: where the case is, its queries and its data.
func (c *caseRun) header() string {
	var b strings.Builder
	loc := c.c.File
	if c.c.Line > 0 {
		loc += ":" + strconv.Itoa(c.c.Line)
	}
	fmt.Fprintf(&b, "%s: case %s\n", loc, c.c.Name)
	fmt.Fprintf(&b, "  velocc: %s\n", indent(c.c.Velocc))
	if c.c.DuckDB != "" {
		fmt.Fprintf(&b, "  duckdb: %s\n", indent(c.c.DuckDB))
	}
	ds := c.b.ds
	fmt.Fprintf(&b, "  data:   seed %d, %d rows", ds.Seed, ds.Rows)
	if c.b.jsonl != "" {
		fmt.Fprintf(&b, ", %s", c.b.jsonl)
		if !*flagKeep && *flagWork == "" {
			b.WriteString(" (removed; keep it with -conformance.keep)")
		}
	}
	b.WriteString("\n")
	for _, st := range ds.Streams {
		fmt.Fprintf(&b, "  stream: %s, seed %d, %d rows", st.Name, st.Seed, st.Rows)
		if c.b.dir != "" {
			jsonl, _, _ := st.Files(c.b.dir)
			fmt.Fprintf(&b, ", %s", jsonl)
		}
		b.WriteString("\n")
	}
	for _, t := range ds.Tables {
		fmt.Fprintf(&b, "  table:  %s, seed %d, %d rows, key duplicates %g", t.Name, t.Seed, t.Rows, t.KeyDuplicates)
		if c.b.dir != "" {
			jsonl, _, _ := t.Files(c.b.dir)
			fmt.Fprintf(&b, ", %s", jsonl)
		}
		b.WriteString("\n")
	}
	if c.c.Differs != "" {
		fmt.Fprintf(&b, "  differs: %s\n", c.c.Differs)
	}
	return b.String()
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n          ") }

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// prepare generates the batch's data, loads it into DuckDB and compiles each case alone.
func (r *Runner) prepare(n int, in Batch) *batch {
	b := &batch{r: r, ds: in.Dataset}
	if b.ds == nil {
		b.ds = &Dataset{File: "(no data set)", checked: true, checkErr: errors.New("the batch has no data set")}
	}
	for _, c := range in.Cases {
		b.cases = append(b.cases, &caseRun{b: b, c: c})
	}
	failAll := func(err error) *batch {
		for _, c := range b.cases {
			c.fail("%v\n", err)
		}
		return b
	}
	base := strings.TrimSuffix(filepath.Base(b.ds.File), filepath.Ext(b.ds.File))
	b.dir = filepath.Join(r.work, fmt.Sprintf("%03d_%s", n, unsafeName.ReplaceAllString(base, "_")))
	if err := os.MkdirAll(filepath.Join(b.dir, "out"), 0o777); err != nil {
		return failAll(err)
	}
	if err := b.ds.check(); err != nil {
		return failAll(err)
	}
	var err error
	if b.jsonl, b.csv, err = b.ds.Generate(b.dir); err != nil {
		return failAll(err)
	}
	b.pretty = filepath.Join(b.dir, PrettyFile)
	if b.db, err = b.openDuckDB(); err != nil {
		return failAll(fmt.Errorf("duckdb: loading %s: %v", b.csv, err))
	}
	for _, c := range b.cases {
		if c.c.Pending != "" && !*flagPending {
			c.runPending()
			continue
		}
		script, _ := b.script([]*caseRun{c})
		plan, diags := compiler.Compile(b.ds.File, script, nil)
		switch {
		case c.c.ExpectCompileErr != "":
			c.checkCompileError(diags)
		case diags.HasErrors():
			c.fail("velocc does not compile the query:\n%s\n", diagText(diags))
		default:
			sink, err := c.c.output(plan)
			if err != nil {
				c.fail("%v\n", err)
				continue
			}
			c.cols = sink.Columns
			if sink.Retracts {
				// Rows may be retractions: a last BOOLEAN column, false unless velocc marks the row.
				c.cols = append(slices.Clip(c.cols), &compiler.Column{Name: retractColumn, Type: compiler.TBool})
			}
			c.names = declaredNames(plan)
		}
	}
	return b
}

// bareSink matches the sink names of bare SELECTs: select_1, select_2, ...
var bareSink = regexp.MustCompile(`^select_[0-9]+$`)

// output finds the sink whose rows the case compares in the plan of the case alone: the stream named by Output, or
// the sink of its one bare SELECT.
func (c *Case) output(plan *compiler.Plan) (*compiler.Sink, error) {
	if c.Output != "" {
		for _, sk := range plan.Sinks {
			if strings.EqualFold(sk.Name, c.Output) {
				return sk, nil
			}
		}
		return nil, fmt.Errorf("the case's output %q is not a stream its statements write (CREATE STREAM %s AS SELECT, SELECT ... INTO %s)", c.Output, c.Output, c.Output)
	}
	var bare []*compiler.Sink
	for _, sk := range plan.Sinks {
		if bareSink.MatchString(sk.Name) {
			bare = append(bare, sk)
		}
	}
	if len(bare) != 1 {
		return nil, fmt.Errorf("the velocc text holds %d bare SELECTs; a case compares the rows of one, or of the stream named by -- output NAME --", len(bare))
	}
	return bare[0], nil
}

// declaredNames are the names of the streams and tables a plan's statements write (lower-cased): two cases that
// declare the same name cannot share a job.
func declaredNames(plan *compiler.Plan) []string {
	var names []string
	for _, sk := range plan.Sinks {
		if !bareSink.MatchString(sk.Name) {
			names = append(names, strings.ToLower(sk.Name))
		}
	}
	for _, t := range plan.Tables {
		names = append(names, strings.ToLower(t.Name))
	}
	return names
}

// checkCompileError finishes a case that must not compile: one of velocc's errors must match the case's regexp,
// and the DuckDB query, if given, must fail.
func (c *caseRun) checkCompileError(diags compiler.Diagnostics) {
	re := regexp.MustCompile(c.c.ExpectCompileErr)
	if !diags.HasErrors() {
		c.fail("velocc compiles the query; expected a compile error matching %q\n", c.c.ExpectCompileErr)
		return
	}
	var text strings.Builder
	diags.Errors().Format(&text)
	if !re.MatchString(text.String()) {
		c.fail("velocc's compile errors do not match %q:\n%s\n", c.c.ExpectCompileErr, diagText(diags))
		return
	}
	if c.c.DuckDB != "" {
		if d := c.duckDB(); d.err == nil {
			c.fail("DuckDB ran the query without an error (%d rows); an expected error needs DuckDB to fail too, or no duckdb section\n", len(d.rows))
			return
		}
	}
	c.pass()
}

// diagText is the errors of a compilation, with their source lines and carets.
func diagText(diags compiler.Diagnostics) string {
	var b strings.Builder
	diags.Errors().Format(&b)
	return indentAll(b.String(), "    ")
}

// script is the velocc script of the source and the cases' queries, and the first and last line of each query
// in it. Each statement is placed at its line in the case file when it can be, so diagnostics and run-time errors
// point into the case file.
func (b *batch) script(cases []*caseRun) ([]byte, [][2]int) {
	var s strings.Builder
	var spans [][2]int
	line := 1
	add := func(text string, at int) {
		for ; line < at; line++ {
			s.WriteByte('\n')
		}
		spans = append(spans, [2]int{line, line + strings.Count(text, "\n")})
		s.WriteString(text)
		line += strings.Count(text, "\n")
		s.WriteString("\n;\n")
		line += 2
	}
	add(b.ds.Source, b.ds.sourceLine)
	for _, c := range cases {
		add(c.c.Velocc, c.c.veloccLine)
	}
	return []byte(s.String()), spans[1:]
}

// plan makes the batch's first jobs: one for the cases without an expected error (several when their statements
// declare the same stream names: each group of cases whose names differ is a job), one for each case with one.
func (b *batch) plan() []*job {
	type group struct {
		cases []*caseRun
		names map[string]bool
	}
	var groups []*group
	var jobs []*job
	for _, c := range b.cases {
		switch {
		case c.result != nil:
		case c.c.ExpectErr != "":
			jobs = append(jobs, b.single(c)...)
		default:
			var in *group
			for _, g := range groups {
				if !slices.ContainsFunc(c.names, func(n string) bool { return g.names[n] }) {
					in = g
					break
				}
			}
			if in == nil {
				in = &group{names: map[string]bool{}}
				groups = append(groups, in)
			}
			in.cases = append(in.cases, c)
			for _, n := range c.names {
				in.names[n] = true
			}
		}
	}
	for _, g := range groups {
		jobs = append(jobs, b.together(g.cases)...)
	}
	return jobs
}

// maxJobCases bounds the cases of one job, so that a case that stops its job at run time sends few others to a
// rebuild, and big batches build as several packages in parallel.
const maxJobCases = 40

// together is one job for the cases (or a few, for many cases), or their single jobs when a job cannot be
// generated.
func (b *batch) together(cases []*caseRun) []*job {
	switch n := len(cases); {
	case n == 0:
		return nil
	case n == 1:
		return b.single(cases[0])
	case n > maxJobCases:
		var jobs []*job
		parts := (n + maxJobCases - 1) / maxJobCases
		for p := 0; p < parts; p++ {
			jobs = append(jobs, b.together(cases[p*n/parts:(p+1)*n/parts])...)
		}
		return jobs
	}
	j := &job{b: b, cases: cases}
	if err := j.generate(); err != nil {
		return b.split(cases) // find the case at fault
	}
	return []*job{j}
}

// single is the job of one case, or none if it cannot be generated (the case has failed then).
func (b *batch) single(c *caseRun) []*job {
	j := &job{b: b, cases: []*caseRun{c}}
	if err := j.generate(); err != nil {
		c.fail("%v\n", err)
		return nil
	}
	return []*job{j}
}

func (b *batch) split(cases []*caseRun) []*job {
	var jobs []*job
	for _, c := range cases {
		if c.result == nil {
			jobs = append(jobs, b.single(c)...)
		}
	}
	return jobs
}

// generate compiles the job's script and generates its Go source.
func (j *job) generate() error {
	script, spans := j.b.script(j.cases)
	j.spans = spans
	plan, diags := compiler.Compile(j.b.ds.File, script, nil)
	if diags.HasErrors() {
		return fmt.Errorf("velocc does not compile the job:\n%s", diagText(diags))
	}
	j.outs, j.goIDs, j.sinks = make([]string, len(j.cases)), make([][]string, len(j.cases)), nil
	for _, q := range plan.Queries {
		i := j.caseAt(q.Loc.Line)
		if i < 0 {
			return fmt.Errorf("velocc compiled a query at line %d, outside every case", q.Loc.Line)
		}
		j.goIDs[i] = append(j.goIDs[i], q.GoName)
		if j.cases[i].c.Output == "" && j.outs[i] == "" && bareSink.MatchString(q.Name) {
			j.outs[i] = q.Name
		}
	}
	for _, s := range append(slices.Clip(plan.Streams), plan.Tables...) {
		q := s.Query
		if len(s.Writers) > 0 {
			q = s.Writers[0]
		}
		if q != nil {
			if i := j.caseAt(q.Loc.Line); i >= 0 {
				j.goIDs[i] = append(j.goIDs[i], s.GoName)
			}
		}
	}
	for _, sk := range plan.Sinks {
		if sk.Type != "none" {
			j.sinks = append(j.sinks, sk.Name)
		}
	}
	for i, c := range j.cases {
		if c.c.Output != "" {
			for _, sk := range plan.Sinks {
				if strings.EqualFold(sk.Name, c.c.Output) {
					j.outs[i] = sk.Name
				}
			}
		}
		if j.outs[i] == "" {
			return fmt.Errorf("case %s: the job has no sink for its rows", c.c.Name)
		}
		if !slices.Contains(j.sinks, j.outs[i]) {
			j.sinks = append(j.sinks, j.outs[i])
		}
	}
	j.merged = make([]bool, len(j.cases))
	for i := range j.cases {
		var roots []*compiler.Source
		for _, q := range plan.Queries {
			if q.Sink != nil && q.Sink.Name == j.outs[i] {
				roots = streamRoots(q, roots)
			}
		}
		j.merged[i] = len(roots) > 1
	}
	src, err := codegen.Generate(plan)
	if err != nil {
		return fmt.Errorf("velocc code generation failed: %s", shortGenError(err.Error()))
	}
	if j.sources, err = jobSources(src); err != nil {
		return fmt.Errorf("reading the generated job's sources: %v", err)
	}
	j.src = src
	return nil
}

// isSel reports whether x is pkg.name for some pkg.
func isSel(x ast.Expr, name string) bool {
	sel, ok := x.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

// streamRoots adds to roots the declared streams whose records drive q: its own stream, the stream it joins (a
// join of two streams), and through a derived stream the streams that drive its writers. Tables are not roots:
// a bounded job loads them before it reads its streams.
func streamRoots(q *compiler.Query, roots []*compiler.Source) []*compiler.Source {
	var add func(s *compiler.Source)
	add = func(s *compiler.Source) {
		switch {
		case s == nil || s.IsTable || s.Query != nil:
		case len(s.Writers) > 0:
			for _, w := range s.Writers {
				roots = streamRoots(w, roots)
			}
		case !slices.Contains(roots, s):
			roots = append(roots, s)
		}
	}
	add(q.Source)
	for _, jn := range q.Joins {
		add(jn.Table)
	}
	return roots
}

// caseAt returns the index of the case whose text holds line n of the job's script, or -1.
func (j *job) caseAt(n int) int {
	for i, sp := range j.spans {
		if n >= sp[0] && n <= sp[1] {
			return i
		}
	}
	return -1
}

// jobSources lists the sources a generated job declares: the Name of each rt.SourceSpec in its rt.Job's Sources.
// The job reads these and no others (codegen leaves out the declared sources no query reads), so a run passes
// --source for each of them that the data set has data for, whatever part of the plan reads it.
func jobSources(src []byte) ([]string, error) {
	f, err := goparser.ParseFile(token.NewFileSet(), "main.go", src, goparser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var names []string
	var bad error
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		if id, ok := kv.Key.(*ast.Ident); !ok || id.Name != "Sources" {
			return true
		}
		list, ok := kv.Value.(*ast.CompositeLit)
		if !ok {
			return true
		}
		if at, ok := list.Type.(*ast.ArrayType); !ok || !isSel(at.Elt, "SourceSpec") {
			return true
		}
		for _, el := range list.Elts {
			spec, ok := el.(*ast.CompositeLit)
			if !ok {
				continue
			}
			for _, f := range spec.Elts {
				fkv, ok := f.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if id, ok := fkv.Key.(*ast.Ident); !ok || id.Name != "Name" {
					continue
				}
				lit, ok := fkv.Value.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					bad = fmt.Errorf("a source's Name is not a string literal")
					continue
				}
				name, err := strconv.Unquote(lit.Value)
				if err != nil {
					bad = err
					continue
				}
				names = append(names, name)
			}
		}
		return false
	})
	return names, bad
}

var renderErrPos = regexp.MustCompile(`Error (\d+):(\d+): `)

// shortGenError cuts the unformatted source that a rendering error carries down to the line it points at.
func shortGenError(msg string) string {
	const marker = "while formatting source:\n"
	i := strings.Index(msg, marker)
	if i < 0 {
		return msg
	}
	head, src := msg[:i+len(marker)-1], strings.Split(msg[i+len(marker):], "\n")
	if m := renderErrPos.FindStringSubmatch(head); m != nil {
		if n, _ := strconv.Atoi(m[1]); n >= 1 && n <= len(src) {
			return fmt.Sprintf("%s\n    line %d: %s", head, n, strings.TrimSpace(src[n-1]))
		}
	}
	return head
}

// buildAndRun builds the jobs with one 'go build', runs them and compares their results. It returns the jobs of a
// next round: when a multi-case job does not build or fails at run time, the cases at fault fail and the others
// form a new job (or, when the fault cannot be placed, each case gets a job of its own).
func (r *Runner) buildAndRun(jobs []*job) []*job {
	r.nbuild++
	modDir := filepath.Join(r.work, fmt.Sprintf("build%d", r.nbuild))
	buildOut, err := r.build(modDir, jobs)
	var next, ready []*job
	for _, j := range jobs {
		if _, serr := os.Stat(j.bin); serr == nil {
			ready = append(ready, j)
			continue
		}
		if len(j.cases) > 1 {
			next = append(next, j.buildCulprits(buildOut[j.name], r.round)...)
			continue
		}
		msg := buildOut[j.name]
		if msg == "" && err != nil {
			msg = err.Error()
		}
		j.cases[0].fail("the generated job does not build:\n%s\n", indentAll(msg, "    "))
	}

	work := make(chan *job)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				if again := j.run(); len(again) > 0 {
					mu.Lock()
					next = append(next, again...)
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range ready {
		work <- j
	}
	close(work)
	wg.Wait()
	return next
}

// maxRounds is how many builds may look for the cases at fault in a job before its cases build one by one.
const maxRounds = 3

var goErrLine = regexp.MustCompile(`main\.go:(\d+):\d+: `)

// buildCulprits fails the cases whose generated code go build rejected, and returns a job for the others. Errors
// are attributed by the declaration they are in, which names the query. Unattributed errors split the job.
func (j *job) buildCulprits(msg string, round int) []*job {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	byCase := map[int][]string{}
	for _, l := range lines {
		m := goErrLine.FindStringSubmatch(l)
		if m == nil {
			continue // "too many errors", notes
		}
		n, _ := strconv.Atoi(m[1])
		i := j.queryAtGoLine(n)
		if i < 0 {
			return j.b.split(j.cases)
		}
		byCase[i] = append(byCase[i], l)
	}
	if len(byCase) == 0 || round >= maxRounds {
		return j.b.split(j.cases)
	}
	var rest []*caseRun
	for i, c := range j.cases {
		if errs, ok := byCase[i]; ok {
			c.fail("the generated job does not build (query %s of a job of %d cases):\n%s\n", j.outs[i], len(j.cases),
				indentAll(strings.Join(errs, "\n"), "    "))
		} else {
			rest = append(rest, c)
		}
	}
	return j.b.together(rest)
}

// queryAtGoLine returns the index of the case whose code holds line n of the generated source (1-based): the
// nearest declaration above it that names one of its queries' or streams' Go identifiers. It is -1 for shared code.
func (j *job) queryAtGoLine(n int) int {
	lines := strings.Split(string(j.src), "\n")
	for k := min(n, len(lines)) - 1; k >= 0; k-- {
		l := lines[k]
		if !strings.HasPrefix(l, "func ") && !strings.HasPrefix(l, "type ") {
			continue
		}
		for i, ids := range j.goIDs {
			for _, id := range ids {
				// codegen names unexported types after the query with a lowercase first letter (select1Query).
				lower := strings.ToLower(id[:1]) + id[1:]
				if goIdentIn(l, id) || goIdentIn(l, lower) {
					return i
				}
			}
		}
		return -1
	}
	return -1
}

// goIdentIn reports whether line mentions an identifier made of id and a capitalised suffix (select1Query, not
// select10Query), or id itself.
func goIdentIn(line, id string) bool {
	for off := 0; ; {
		k := strings.Index(line[off:], id)
		if k < 0 {
			return false
		}
		end := off + k + len(id)
		before := off + k
		okBefore := before == 0 || !isIdentByte(line[before-1])
		if okBefore && (end == len(line) || !isIdentByte(line[end]) || line[end] >= 'A' && line[end] <= 'Z') {
			return true
		}
		off = end
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// runCulprit fails the case whose query stopped a multi-case job (found by the script position in the error) and
// returns a job for the others; without such a position the job is split.
func (j *job) runCulprit(err error, what string) []*job {
	var je *jobError
	if errors.As(err, &je) && j.b.r.round < maxRounds {
		re := regexp.MustCompile(regexp.QuoteMeta(j.b.ds.File) + `:(\d+):\d+: `)
		if m := re.FindStringSubmatch(je.stderr); m != nil {
			n, _ := strconv.Atoi(m[1])
			if i := j.caseAt(n); i >= 0 {
				j.cases[i].fail("the velocc job failed on the %s data: %v\n", what, err)
				rest := append(append([]*caseRun(nil), j.cases[:i]...), j.cases[i+1:]...)
				return j.b.together(rest)
			}
		}
	}
	return j.b.split(j.cases)
}

func indentAll(s, pre string) string {
	s = strings.TrimRight(s, "\n")
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

// build writes every job as a main package of one module in dir and builds them all with one 'go build'. It
// returns go build's messages by job name.
func (r *Runner) build(dir string, jobs []*job) (map[string]string, error) {
	start := time.Now()
	defer func() { r.Builds++; r.BuildTime += time.Since(start) }()
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o777); err != nil {
		return nil, err
	}
	gomod, err := os.ReadFile(filepath.Join(r.root, "go.mod"))
	if err != nil {
		return nil, err
	}
	goLine := "go 1.26"
	for _, l := range strings.Split(string(gomod), "\n") {
		if strings.HasPrefix(l, "go ") {
			goLine = strings.TrimSpace(l)
		}
	}
	replace := r.root
	if strings.ContainsAny(replace, " \t\"'`()") {
		replace = strconv.Quote(replace)
	}
	mod := fmt.Sprintf("module velocc.local/conformance\n\n%s\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		goLine, modulePath, modulePath, replace)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o666); err != nil {
		return nil, err
	}
	sum, err := os.ReadFile(filepath.Join(r.root, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o666); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, j := range jobs {
		// The name (the package path) depends only on the job's file, case and code, so that with -trimpath an
		// unchanged job is a hit in the build cache on the next run.
		base := strings.TrimSuffix(filepath.Base(j.b.ds.File), filepath.Ext(j.b.ds.File))
		name := unsafeName.ReplaceAllString(base, "_")
		if len(j.cases) == 1 {
			name += "_" + unsafeName.ReplaceAllString(j.cases[0].c.Name, "_")
		}
		h := fnv.New32a()
		h.Write(j.src)
		j.name = fmt.Sprintf("%s_%08x", name, h.Sum32())
		if seen[j.name] {
			j.name += fmt.Sprintf("_%d", i)
		}
		seen[j.name] = true
		if err := os.MkdirAll(filepath.Join(dir, j.name), 0o777); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, j.name, "main.go"), j.src, 0o666); err != nil {
			return nil, err
		}
		j.bin = filepath.Join(dir, "bin", j.name)
	}
	// -trimpath keeps the temporary directory out of the cache keys; -s -w (no symbol table, no DWARF) halves the
	// time spent linking, which is most of a build whose packages are cached.
	cmd := exec.Command(r.goTool, "build", "-trimpath", "-ldflags=-s -w",
		"-o", filepath.Join(dir, "bin")+string(filepath.Separator), "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	msgs := map[string]string{}
	if err != nil {
		// go build reports each package's errors under "# velocc.local/conformance/NAME".
		cur := ""
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "# ") {
				cur = filepath.Base(strings.TrimPrefix(l, "# "))
				continue
			}
			msgs[cur] += l + "\n"
		}
		err = fmt.Errorf("go build in %s: %v\n%s", dir, err, out)
	}
	return msgs, err
}

// run runs a built job over the JSON-lines data, the same records in the pretty style and the CSV data, and
// finishes its cases. It returns the jobs to run next when a multi-case job failed and its cases must be run one
// by one.
func (j *job) run() []*job {
	outJSON, errJSON := j.exec("jsonl", "jsonl")
	if len(j.cases) > 1 && errJSON != nil {
		return j.runCulprit(errJSON, "JSON-lines")
	}
	outPretty, errPretty := j.exec("jsonl", "pretty")
	if len(j.cases) > 1 && errPretty != nil {
		return j.runCulprit(errPretty, "pretty JSON-lines")
	}
	// A data set with nested columns has no CSV run: velocc's CSV source does not read a field of JSON text.
	outCSV, errCSV := outJSON, errJSON
	if !j.b.ds.nestedData() {
		outCSV, errCSV = j.exec("csv", "csv")
	}
	if len(j.cases) > 1 && errCSV != nil {
		return j.runCulprit(errCSV, "CSV")
	}
	for i, c := range j.cases {
		if c.result != nil {
			continue
		}
		if c.c.ExpectErr != "" {
			c.checkError(errJSON, errPretty, errCSV)
			continue
		}
		switch {
		case errJSON != nil:
			c.fail("the velocc job failed on the JSON-lines data: %v\n", errJSON)
		case errPretty != nil:
			c.fail("the velocc job failed on the pretty JSON-lines data (%s): %v\n", PrettyFile, errPretty)
		case errCSV != nil:
			c.fail("the velocc job failed on the CSV data: %v\n", errCSV)
		case !sameOutput(outJSON[i], outPretty[i], j.merged[i]):
			c.fail("velocc's output differs between the JSON-lines data and the same records in the pretty style (%s):\n%s",
				PrettyFile, outputDiff(outJSON[i], outPretty[i], j.merged[i], "jsonl", "pretty"))
		default:
			c.compare(outJSON[i], outCSV[i], j.merged[i])
		}
	}
	return nil
}

// jobError is a velocc job that did not exit 0.
type jobError struct {
	code   int
	stderr string
}

func (e *jobError) Error() string {
	return fmt.Sprintf("exit status %d\n%s", e.code, indentAll(e.stderr, "    "))
}

// exec runs the job over the data of tag ("jsonl", "pretty" or "csv": every stream and table it reads in that
// form), read as format, and returns each case's output, as written to its sink; tag also names the run in the
// output files.
func (j *job) exec(format, tag string) ([][]byte, error) {
	// Paths relative to the job's directory keep messages short; the format (and CSV delimiter) in the URI wins
	// over whatever the source declares.
	args := []string{"--bounded", "--stats=false"}
	for _, name := range j.sources {
		f := j.b.dataFile(name, tag)
		if f == "" {
			continue // no data of its own in the data set: the job reads the path its declaration gives
		}
		suri := "file:" + filepath.Base(f) + "?format=" + format
		if format == "csv" {
			suri += "&delimiter=,"
		}
		args = append(args, "--source", name+"="+suri)
	}
	files := map[string]string{}
	for _, s := range j.sinks {
		out := filepath.Join("out", fmt.Sprintf("%s.%s.%s.jsonl", j.name, tag, unsafeName.ReplaceAllString(s, "_")))
		files[s] = filepath.Join(j.b.dir, out)
		args = append(args, "--sink", s+"=file:"+out+"?format=jsonl")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *flagJobTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, j.bin, args...)
	cmd.Dir = j.b.dir
	cmd.Env = append(os.Environ(), "VELOCC_RT_POISON=1") // rt scribbles over handled records: a string kept past its record shows up as a difference
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, &jobError{code: -1, stderr: fmt.Sprintf("timed out after %v (-conformance.jobtimeout)\n%s", *flagJobTimeout, stderr.String())}
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return nil, &jobError{code: exit.ExitCode(), stderr: stderr.String()}
	case err != nil:
		return nil, &jobError{code: -1, stderr: err.Error()}
	}
	res := make([][]byte, len(j.outs))
	for i, s := range j.outs {
		o := files[s]
		b, err := os.ReadFile(o)
		if err != nil {
			return nil, &jobError{code: 0, stderr: fmt.Sprintf("the job wrote no %s: %v", o, err)}
		}
		res[i] = b
	}
	return res, nil
}

// dataFile is the file of the run tag ("jsonl", "pretty" or "csv") that holds the data of the source name: the main
// stream's data.*, a stream's or table's NAME.*; "" when the data set has no data of that name.
func (b *batch) dataFile(name, tag string) string {
	var jsonl, pretty, csv string
	switch {
	case strings.EqualFold(name, b.ds.SourceName):
		jsonl, pretty, csv = b.jsonl, b.pretty, b.csv
	case b.ds.stream(name) != nil:
		jsonl, pretty, csv = b.ds.stream(name).Files(b.dir)
	case b.ds.table(name) != nil:
		jsonl, pretty, csv = b.ds.table(name).Files(b.dir)
	default:
		return ""
	}
	return map[string]string{"jsonl": jsonl, "pretty": pretty, "csv": csv}[tag]
}

// runPending finishes a pending case without velocc: its DuckDB query must run (or fail, when the case expects an
// error) and its rows must be readable by the comparison, with DuckDB's own column types, so that the twin is ready
// on the day velocc runs the case. The case is then skipped.
func (c *caseRun) runPending() {
	fails := c.c.ExpectErr != "" || c.c.ExpectCompileErr != ""
	if c.c.DuckDB != "" {
		d := c.duckDB()
		switch {
		case fails && d.err == nil:
			c.fail("pending: DuckDB ran the query without an error (%d rows); the case expects an error\n", len(d.rows))
			return
		case !fails && d.err != nil:
			c.fail("pending: DuckDB: %v\n", d.err)
			return
		case !fails:
			if _, err := d.selfTable(); err != nil {
				c.fail("pending: DuckDB's result: %v\n", err)
				return
			}
		}
	}
	c.result = &Result{Case: c.c, Skipped: "pending: " + c.c.Pending}
}

// checkError finishes a case with an expected error: every velocc run must exit 1 with stderr matching, and the
// DuckDB query must fail.
func (c *caseRun) checkError(errJSON, errPretty, errCSV error) {
	re := regexp.MustCompile(c.c.ExpectErr)
	for _, r := range []struct {
		what string
		err  error
	}{{"JSON-lines", errJSON}, {"pretty JSON-lines", errPretty}, {"CSV", errCSV}} {
		var je *jobError
		if !errors.As(r.err, &je) {
			c.fail("velocc: the job succeeded on the %s data; expected an error matching %q\n", r.what, c.c.ExpectErr)
			return
		}
		if je.code != 1 || !re.MatchString(je.stderr) {
			c.fail("velocc: on the %s data the job failed with %v\nexpected exit status 1 and an error matching %q\n",
				r.what, je, c.c.ExpectErr)
			return
		}
	}
	if c.c.DuckDB != "" {
		d := c.duckDB()
		if d.err == nil {
			c.fail("DuckDB ran the query without an error (%d rows); an expected error needs DuckDB to fail too, or no duckdb section\n", len(d.rows))
			return
		}
	}
	c.pass()
}

// compare finishes a case: the JSON-lines and CSV runs must agree, and match DuckDB.
func (c *caseRun) compare(outJSON, outCSV []byte, merged bool) {
	if !sameOutput(outJSON, outCSV, merged) {
		c.fail("velocc's output differs between the JSON-lines and the CSV data:\n%s", outputDiff(outJSON, outCSV, merged, "jsonl", "csv"))
		return
	}
	d := c.duckDB()
	if d.err != nil {
		c.fail("DuckDB: %v\n", d.err)
		return
	}
	// DuckDB's column types decide the modes of both sides (a differs case may compare within tolerance).
	dt, err := d.table(c.cols, c.c.Differs != "")
	if err != nil {
		c.fail("%v\n", err)
		return
	}
	v, err := readVelocc(outJSON, dt.cols)
	if err != nil {
		c.fail("velocc's output: %v\n", err)
		return
	}
	if diff := compareTables(v, dt, c.c.Ordered); diff != "" {
		c.fail("%s", diff)
		return
	}
	c.pass()
}

// sameOutput reports whether two runs of a job wrote the same output: the same bytes, or, for merged output (rows
// of several sources, whose goroutines interleave their records as they run), the same lines in any order.
func sameOutput(a, b []byte, merged bool) bool {
	if !merged {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(sortedLines(a), sortedLines(b))
}

// outputDiff shows where two runs' outputs differ (for merged output, in their sorted lines).
func outputDiff(a, b []byte, merged bool, aName, bName string) string {
	if merged {
		return "(the lines sorted: the output merges several sources)\n" + firstLineDiff(sortedLines(a), sortedLines(b), aName, bName)
	}
	return firstLineDiff(a, b, aName, bName)
}

// sortedLines is data with its lines in sorted order.
func sortedLines(data []byte) []byte {
	lines := bytes.SplitAfter(data, []byte("\n"))
	slices.SortFunc(lines, bytes.Compare)
	return bytes.Join(lines, nil)
}

// firstLineDiff shows the first line where a and b, named aName and bName, differ.
func firstLineDiff(a, b []byte, aName, bName string) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			w := max(len(aName), len(bName)) + 1
			return fmt.Sprintf("  line %d:\n    %-*s %s\n    %-*s %s\n", i+1, w, aName+":", x, w, bName+":", y)
		}
	}
	return ""
}

// openDuckDB opens an in-memory DuckDB holding the batch's data: a table named like the source, and for each table
// of the data set its rows as velocc's table holds them (openTable).
func (b *batch) openDuckDB() (*sql.DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection: settings and the table live in it
	if _, err := db.Exec("SET threads TO 1"); err != nil {
		db.Close()
		return nil, err
	}
	q := fmt.Sprintf("CREATE TABLE %s AS SELECT %s FROM %s", quoteIdent(b.ds.SourceName), duckSelect(b.ds.Columns), readCSV(b.csv, b.ds.Columns))
	if _, err := db.Exec(q); err != nil {
		db.Close()
		return nil, err
	}
	for _, st := range b.ds.Streams {
		_, _, csv := st.Files(b.dir)
		q := fmt.Sprintf("CREATE TABLE %s AS SELECT %s FROM %s", quoteIdent(st.Name), duckSelect(st.Columns), readCSV(csv, st.Columns))
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("stream %s: %v", st.Name, err)
		}
	}
	for _, t := range b.ds.Tables {
		_, _, csv := t.Files(b.dir)
		if err := loadTable(db, t, csv); err != nil {
			db.Close()
			return nil, fmt.Errorf("table %s: %v", t.Name, err)
		}
	}
	return db, nil
}

// RawSuffix names the DuckDB table of a case file's table's raw rows: NAME__raw holds every row of NAME.csv in file
// order, NULL keys and replaced rows included, with the row's number from 1 in the column RowNumber (an ASOF JOIN
// reads a table's versions from it).
const (
	RawSuffix = "__raw"
	RowNumber = "__rn"
)

// loadTable loads a table's rows into DuckDB as velocc's table holds them after reading the file: the rows with a
// NULL in a key column dropped (they go to the table's on.error), then for each key the last row in file order.
func loadTable(db *sql.DB, t *Table, csv string) error {
	raw := quoteIdent(t.Name + RawSuffix)
	// One thread reads the file in order, and CREATE TABLE keeps that order (preserve_insertion_order), so
	// row_number() OVER () is the line's number.
	q := fmt.Sprintf("CREATE TABLE %s AS SELECT row_number() OVER () AS %s, %s FROM %s",
		raw, RowNumber, duckSelect(t.Columns), readCSV(csv, t.Columns))
	if _, err := db.Exec(q); err != nil {
		return err
	}
	var names, key, notNull []string
	for _, c := range t.Columns {
		names = append(names, quoteIdent(c.Name))
	}
	for _, k := range t.keyIdx {
		n := quoteIdent(t.Columns[k].Name)
		key = append(key, n)
		notNull = append(notNull, n+" IS NOT NULL")
	}
	q = fmt.Sprintf("CREATE TABLE %s AS SELECT %s FROM %s WHERE %s QUALIFY row_number() OVER (PARTITION BY %s ORDER BY %s DESC) = 1 ORDER BY %s",
		quoteIdent(t.Name), strings.Join(names, ", "), raw, strings.Join(notNull, " AND "), strings.Join(key, ", "), RowNumber, RowNumber)
	_, err := db.Exec(q)
	return err
}

// duckSelect is the select list that loads the columns from readCSV: a TIMESTAMP column, written as epoch
// milliseconds, becomes a DuckDB TIMESTAMP; a STRUCT, ARRAY or MAP column, written as its JSON text, is cast from
// JSON to its type (DuckDB reads a JSON object into a MAP, keeping its entries' order).
func duckSelect(cols []Column) string {
	var sel []string
	for _, c := range cols {
		switch {
		case c.nt.nested():
			sel = append(sel, fmt.Sprintf("CAST(CAST(%s AS JSON) AS %s) AS %s", quoteIdent(c.Name), c.nt.duckDB(), quoteIdent(c.Name)))
		case c.typ.Kind == compiler.Timestamp:
			sel = append(sel, fmt.Sprintf("epoch_ms(%s) AS %s", quoteIdent(c.Name), quoteIdent(c.Name)))
		default:
			sel = append(sel, quoteIdent(c.Name))
		}
	}
	return strings.Join(sel, ", ")
}

// readCSV reads a generated CSV file with the columns' types, exactly as written: an empty unquoted field is NULL.
func readCSV(path string, cols []Column) string {
	var types []string
	for _, c := range cols {
		types = append(types, fmt.Sprintf("%s: '%s'", sqlString(c.Name), duckType(c.typ)))
	}
	return fmt.Sprintf("read_csv(%s, header=true, columns={%s}, nullstr='', allow_quoted_nulls=false, delim=',', "+
		"quote='\"', escape='\"', auto_detect=false, strict_mode=true)", sqlString(path), strings.Join(types, ", "))
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func sqlString(s string) string  { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// duckResult is what DuckDB returned for a case's query.
type duckResult struct {
	err   error
	names []string
	types []string // DuckDB's type names
	rows  [][]any
}

// duckDB runs the case's DuckDB query once.
func (c *caseRun) duckDB() *duckResult {
	if c.duck != nil {
		return c.duck
	}
	c.duck = &duckResult{}
	if c.b.db == nil {
		c.duck.err = errors.New("no DuckDB database")
		return c.duck
	}
	ctx, cancel := context.WithTimeout(context.Background(), *flagJobTimeout)
	defer cancel()
	rows, err := c.b.db.QueryContext(ctx, c.c.DuckDB)
	if err != nil {
		c.duck.err = err
		return c.duck
	}
	defer rows.Close()
	c.duck.names, _ = rows.Columns()
	ct, _ := rows.ColumnTypes()
	for _, t := range ct {
		c.duck.types = append(c.duck.types, t.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(c.duck.names))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			c.duck.err = err
			return c.duck
		}
		c.duck.rows = append(c.duck.rows, vals)
	}
	c.duck.err = rows.Err()
	return c.duck
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
