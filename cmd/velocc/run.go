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
	"runtime/debug"
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
	velocc check SCRIPT              print errors and warnings, or a one-line
	                                 summary when the script has no errors
	velocc explain SCRIPT            print the typed plan of the script
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
	           a file (job.go)     the Go source
	           DIR/ or an existing directory
	                               a complete module: main.go, go.mod, go.sum,
	                               Makefile and README.md (all overwritten)
	-kafka   link Kafka support even if the script declares no Kafka source
	         or sink, so that --source/--sink NAME=kafka:TOPIC work (a job
	         with a Kafka source or sink always has it)

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

	VELOCC_ROOT   the velocc checkout a generated go.mod points at with a
	              replace directive (default: the checkout velocc was built from)

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
	switch {
	case err == nil:
		return exitOK
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
	case "build", "check", "explain", "topics", "version", "help":
		return true
	}
	return false
}

// parseArgs parses fs's flags wherever they appear among args (so "job.sql -o out/" works) and returns the one
// script argument.
func parseArgs(cmd string, fs *flag.FlagSet, args []string) (string, error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", usageError(cmd + ": " + err.Error())
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
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
	script, err := parseArgs("build", fs, args)
	if err != nil {
		return helpOr(err, stdout)
	}
	plan, err := compile(script, stdin, stderr)
	if err != nil {
		return err
	}
	plan.Kafka = *kafka
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
		return writeModule(dest, scriptName(script), plan.JobName, code, stderr)
	default:
		return os.WriteFile(dest, code, 0o666)
	}
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
	version := "(unknown)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(w, "velocc %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if co, err := findCheckout(os.LookupEnv); err == nil && co.Replace {
		fmt.Fprintf(w, "checkout %s\n", co.Dir)
	}
}
