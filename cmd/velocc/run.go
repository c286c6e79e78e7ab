// Command dispatch, flags and exit codes of the velocc CLI.

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/velocc/velocc/codegen"
	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/grammar"
)

// Exit codes of run.
const (
	exitOK      = 0
	exitFailed  = 1 // the script has errors, or reading or writing a file failed
	exitUsage   = 2 // the command line itself is wrong
	stdinScript = "-"
	stdinName   = "<stdin>" // the file name diagnostics use for a script read from stdin
)

const usage = `velocc compiles a streaming SQL script into a specialized Go program.

Usage:

	velocc [build] SCRIPT [-o OUT]   generate the job's Go source
	velocc mod [DIR]                 add velocc's runtime to the Go module of DIR
	velocc check SCRIPT              print errors and warnings, or a one-line
	                                 summary when the script has no errors
	velocc explain SCRIPT            print the typed plan of the script
	velocc run SCRIPT [JOB FLAGS]    build the job (cached) and run it
	velocc test SCRIPT [FIXTURE]...  run the job on test fixtures and compare
	                                 its output with the expected rows
	velocc topics SCRIPT [--create]  list the Kafka topics the script reads and
	                                 writes, on its brokers; --create creates
	                                 the missing ones
	velocc version                   print the version of velocc
	velocc help                      print this text

SCRIPT is a .sql file, or - to read the script from stdin. A config_file
path is relative to the script's directory; source and sink paths are opened
by the job, relative to its working directory (--source/--sink override them).

Flags of build:

	-o OUT   where to write the job:
	           nothing or -        the Go source on stdout
	           a file (job.go)     the Go source, for a main package of a
	                               module of yours (see velocc mod)
	           DIR/ or an existing directory
	                               a module of its own: main.go, go.mod, go.sum
	                               (Kafka jobs), Makefile, README.md and the
	                               runtime in third_party/velocc, all
	                               overwritten (never the go.mod of a module
	                               velocc did not write)
	-kafka   link Kafka support even if the script declares no Kafka source
	         or sink, so that --source/--sink NAME=kafka:TOPIC work (a job
	         with a Kafka source or sink always has it)
	-http    link the job's HTTP server (its --http flag: metrics, health,
	         status page) into a job without Kafka; a Kafka job, and one whose
	         script sets 'job.http.address', always has it
	-no-http leave the HTTP server out of any job (a smaller binary)

velocc carries the runtime its jobs import (github.com/velocc/velocc/rt and
its sub-packages), and writes the packages a job needs into the module that
builds it, in third_party/velocc, a module of its own that go.mod replaces
github.com/velocc/velocc with. A job without Kafka then builds offline with
the Go toolchain alone; a Kafka job fetches the modules it needs at the
versions pinned in go.sum.

velocc mod [DIR] sets up the module that contains DIR (default: the current
directory) for jobs written into it with -o FILE.go, for example by
//go:generate velocc job.sql -o job.go: it writes third_party/velocc with
the runtime packages the module's Go files import, and adds to go.mod the
requirement, the replace directive, the go version and the modules they
need, and their hashes to go.sum. Run it once; from then on velocc build
-o FILE.go keeps the module in step (a Kafka job, a newer velocc), and stops
with an error in a module that velocc mod has not set up.

Flags of run (before SCRIPT; everything after SCRIPT, or after --, goes to
the job, and the job's exit status is velocc's):

	-kafka, -http, -no-http
	         as for build

	The job is built once and kept in velocc's cache: a later run of the
	same script (with the same config files, velocc and Go) starts it at
	once. The cache is $VELOCC_CACHE, or velocc/ in the user cache directory;
	entries unused for 5 days are removed.

Flags of test (see docs/testing.md for the fixture layout):

	-ordered   compare each sink's rows in order (default: as a multiset)
	-run RE    run only the cases whose name matches the regular expression
	-v         print each job's statistics, also when its case passes

	FIXTURE is a case directory (in/, out/, args, stats), a .txtar case, or a
	directory of cases; by default NAME_test/ or NAME_test.txtar next to the
	script NAME.sql. Exit status 1 if a case fails.

Flags of topics:

	--brokers HOST:PORT,...   the Kafka brokers (default: $VELOCC_BROKERS, then
	                          the script's bootstrap.servers, then localhost:9092)
	--create                  create the missing topics: a sink's as the job
	                          would, a source's with --partitions partitions
	--partitions N            partitions of a created source topic (default:
	                          the broker's default)
	--timeout DURATION        how long to wait for the brokers (default 30s)

	It exits 1 when a topic the job cannot start without (a source's, or a
	sink's with 'topic.create' = 'false') is missing.

Environment:

	VELOCC_CACHE  where run and test keep built jobs (default: velocc/ in the
	              user cache directory)

Diagnostics go to stderr as file:line:col: message. Exit status: 0 on success,
1 if the script has errors or a file cannot be read or written, 2 on usage errors.
`

// usageError is a malformed command line: run prints it on one line and exits with exitUsage.
type usageError string

func (e usageError) Error() string { return string(e) }

// run is the whole CLI: it parses args, reads scripts from the file system or stdin and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	err := dispatch(args, stdin, stdout, stderr)
	var ue usageError
	var es exitStatus
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &es):
		return int(es)
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "velocc: %s\nrun 'velocc help' for usage\n", ue)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFailed
	default:
		fmt.Fprintf(stderr, "velocc: %v\n", err)
		return exitFailed
	}
}

// errReported means the failure was already printed as diagnostics.
var errReported = errors.New("errors reported")

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("no script given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && cmd == "help" && !isCommand(rest[0]) {
			return usageError(fmt.Sprintf("unknown command %q", rest[0]))
		}
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "-version", "--version":
		if len(rest) > 0 {
			return usageError(fmt.Sprintf("version takes no arguments, got %q", rest[0]))
		}
		printVersion(stdout)
		return nil
	case "build":
		return build(rest, stdin, stdout, stderr)
	case "check":
		return check(rest, stdin, stdout, stderr)
	case "explain":
		return explain(rest, stdin, stdout, stderr)
	case "run":
		return runJob(rest, stdin, stdout, stderr)
	case "test":
		return testJob(rest, stdin, stdout, stderr)
	case "mod":
		return mod(rest, stdout, stderr)
	case "topics":
		return topics(rest, stdin, stdout, stderr)
	default:
		// A bare word is a script only if it looks like a path; otherwise it is most likely a mistyped command.
		if !strings.HasPrefix(cmd, "-") && !strings.ContainsAny(cmd, `./\`) {
			return usageError(fmt.Sprintf("unknown command %q", cmd))
		}
		return build(args, stdin, stdout, stderr)
	}
}

func isCommand(s string) bool {
	switch s {
	case "build", "mod", "check", "explain", "run", "test", "topics", "version", "help":
		return true
	}
	return false
}

// parseArgs parses fs's flags wherever they appear among args (so "job.sql -o out/" works) and returns the one
// script argument.
func parseArgs(cmd string, fs *flag.FlagSet, args []string) (string, error) {
	pos, err := flagsAnywhere(cmd, fs, args)
	if err != nil {
		return "", err
	}
	switch len(pos) {
	case 0:
		return "", usageError(cmd + ": no script given")
	case 1:
		return pos[0], nil
	default:
		return "", usageError(fmt.Sprintf("%s: one script at a time, got %q and %q", cmd, pos[0], pos[1]))
	}
}

// flagsAnywhere parses fs's flags wherever they appear among args and returns the other arguments in order; all
// arguments after "--" are not flags.
func flagsAnywhere(cmd string, fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError(cmd + ": " + err.Error())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// compile reads the script named by arg and compiles it, printing every diagnostic to stderr. It returns
// errReported if the script has errors.
func compile(arg string, stdin io.Reader, stderr io.Writer) (*compiler.Plan, error) {
	plan, _, err := compileScript(arg, stdin, stderr)
	return plan, err
}

// compileScript is compile that also returns the script's text and its diagnostics.
func compileScript(arg string, stdin io.Reader, stderr io.Writer) (*compiler.Plan, *scriptText, error) {
	text := &scriptText{name: arg}
	var err error
	if arg == stdinScript {
		text.name = stdinName
		text.src, err = io.ReadAll(stdin)
	} else {
		text.src, err = os.ReadFile(arg)
	}
	if err != nil {
		return nil, nil, err
	}
	plan, diags := compiler.Compile(text.name, text.src, &compiler.Options{})
	diags.Format(stderr)
	text.diags = diags
	if diags.HasErrors() {
		return nil, text, errReported
	}
	return plan, text, nil
}

// scriptText is a script as read and its diagnostics.
type scriptText struct {
	name  string // the file name diagnostics use
	src   []byte
	diags compiler.Diagnostics
}

func check(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	script, err := parseArgs("check", flag.NewFlagSet("check", flag.ContinueOnError), args)
	if err != nil {
		return helpOr(err, stdout)
	}
	plan, text, err := compileScript(script, stdin, stderr)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, checkSummary(plan, text))
	return err
}

// checkSummary is the line check prints for a script without errors: "job.sql: ok: 2 statements, 1 source,
// 1 sink", and the number of warnings (printed above it) if there are any.
func checkSummary(plan *compiler.Plan, text *scriptText) string {
	statements := 0
	if script, err := grammar.Parse(text.name, text.src); err == nil {
		statements = len(script.Statements)
	}
	s := fmt.Sprintf("%s: ok: %s, %s, %s", text.name, plural(statements, "statement"), plural(len(plan.Sources), "source"),
		plural(len(plan.Sinks), "sink"))
	if n := len(text.diags); n > 0 {
		s += ", " + plural(n, "warning")
	}
	return s
}

// plural returns "1 source" or "2 sources".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func explain(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	script, err := parseArgs("explain", flag.NewFlagSet("explain", flag.ContinueOnError), args)
	if err != nil {
		return helpOr(err, stdout)
	}
	plan, err := compile(script, stdin, stderr)
	if err != nil {
		return err
	}
	text := compiler.Explain(plan)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	_, err = io.WriteString(stdout, text)
	return err
}

func build(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	out := fs.String("o", "", "")
	kafka := fs.Bool("kafka", false, "")
	var link links
	fs.BoolVar(&link.http, "http", false, "")
	fs.BoolVar(&link.noHTTP, "no-http", false, "")
	script, err := parseArgs("build", fs, args)
	if err != nil {
		return helpOr(err, stdout)
	}
	plan, err := compile(script, stdin, stderr)
	if err != nil {
		return err
	}
	plan.Kafka = *kafka
	if err := link.apply(plan); err != nil {
		return err
	}
	code, err := codegen.Generate(plan)
	if err != nil {
		// The compiler accepted the script, so this is a velocc bug rather than a mistake in the script.
		return fmt.Errorf("generating Go for %s: %w", scriptName(script), err)
	}
	switch dest := *out; {
	case dest == "" || dest == "-":
		_, err = stdout.Write(code)
		return err
	case isDirTarget(dest):
		return writeModule(dest, scriptName(script), plan.JobName, code)
	default:
		if err := os.WriteFile(dest, code, 0o666); err != nil {
			return err
		}
		return syncFileModule(dest, stderr)
	}
}

// syncFileModule keeps the module that a generated file was written into able to build it. A module that 'velocc
// mod' set up is brought in step with the file (runtime packages, requirements, a newer velocc's runtime); a module
// that gets velocc otherwise (a required release, a replace directive of the user's) and velocc's own module are
// left alone, and so is a file outside any module. A module without velocc is an error that says to run velocc mod.
func syncFileModule(file string, stderr io.Writer) error {
	root, ok, err := findModule(filepath.Dir(file))
	if err != nil || !ok {
		return err
	}
	m, err := readModule(root)
	if err != nil {
		return err
	}
	switch {
	case m.path() == modulePath:
		return nil
	case m.managed():
		rt, err := embeddedRuntime()
		if err != nil {
			return err
		}
		_, _, err = syncModule(m, rt, stderr)
		return err
	case m.veloccReplace() != nil || m.requires(modulePath) != "":
		return nil
	}
	return fmt.Errorf("wrote %s, but module %s (%s) lacks velocc's runtime, which it imports: run 'velocc mod' in %s once, then build",
		file, m.path(), filepath.Join(root, "go.mod"), root)
}

// mod is 'velocc mod [DIR]'.
func mod(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mod", flag.ContinueOnError)
	pos, err := flagsAnywhere("mod", fs, args)
	if err != nil {
		return helpOr(err, stdout)
	}
	dir := "."
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		return usageError(fmt.Sprintf("mod: one directory at a time, got %q and %q", pos[0], pos[1]))
	}
	root, ok, err := findModule(dir)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no go.mod in %s or any directory above it: create the module first (go mod init)", dir)
	}
	m, err := readModule(root)
	if err != nil {
		return err
	}
	rt, err := embeddedRuntime()
	if err != nil {
		return err
	}
	pkgs, changed, err := syncModule(m, rt, stderr)
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintf(stderr, "velocc: module %s is up to date: %s holds runtime %s of velocc %s, packages %s\n",
			m.path(), copyDir, rt.id, veloccVersion(), strings.Join(pkgs, ", "))
	}
	return nil
}

// helpOr turns -h into the usage text on w and passes every other error through.
func helpOr(err error, w io.Writer) error {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(w, usage)
		return nil
	}
	return err
}

// isDirTarget reports whether -o names a module directory rather than a Go file.
func isDirTarget(dest string) bool {
	if strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, string(filepath.Separator)) {
		return true
	}
	fi, err := os.Stat(dest)
	return err == nil && fi.IsDir()
}

// scriptName is the script's file name as the scaffolding mentions it.
func scriptName(arg string) string {
	if arg == stdinScript {
		return stdinName
	}
	return filepath.Base(arg)
}

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "velocc %s %s %s/%s\n", veloccVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if rt, err := embeddedRuntime(); err == nil {
		fmt.Fprintf(w, "runtime %s\n", rt.id)
	}
}
