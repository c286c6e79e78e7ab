// 'velocc run': compile a script, build its job once (cached by what the build depends on) and run it, like 'go run'.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/velocc/velocc/codegen"
	"github.com/velocc/velocc/compiler"
)

// cacheTrimAge is how long a cached job stays after its last use. Like Go's build cache, entries not used for five
// days are deleted (when velocc next builds a job), so a session of trying queries does not fill the disk.
const cacheTrimAge = 5 * 24 * time.Hour

// exitStatus is the exit status of a job that velocc ran as a child process: run exits with it, adding nothing.
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("the job exited with status %d", int(e)) }

// runJob is 'velocc run [-kafka] SCRIPT [--] [JOB FLAGS]': velocc's flags come before the script, everything after
// it goes to the job.
func runJob(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	kafka := fs.Bool("kafka", false, "")
	var link links
	fs.BoolVar(&link.http, "http", false, "")
	fs.BoolVar(&link.noHTTP, "no-http", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpOr(err, stdout)
		}
		return usageError("run: " + err.Error())
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError("run: no script given")
	}
	script, jobArgs := rest[0], rest[1:]
	if len(jobArgs) > 0 && jobArgs[0] == "--" {
		jobArgs = jobArgs[1:]
	}
	plan, code, err := generate(script, *kafka, link, stdin, stderr)
	if err != nil {
		return err
	}
	bin, err := buildCached(plan, code, scriptName(script), stderr)
	if err != nil {
		return err
	}
	return execJob(bin, jobArgs, stdin, stdout, stderr)
}

// generate compiles the script named by arg and generates its job's Go source, as 'velocc build' does.
func generate(arg string, kafka bool, link links, stdin io.Reader, stderr io.Writer) (*compiler.Plan, []byte, error) {
	plan, err := compile(arg, stdin, stderr)
	if err != nil {
		return nil, nil, err
	}
	plan.Kafka = kafka
	if err := link.apply(plan); err != nil {
		return nil, nil, err
	}
	code, err := codegen.Generate(plan)
	if err != nil {
		// The compiler accepted the script, so this is a velocc bug rather than a mistake in the script.
		return nil, nil, fmt.Errorf("generating Go for %s: %w", scriptName(arg), err)
	}
	return plan, code, nil
}

// cacheRoot is velocc's cache directory: $VELOCC_CACHE, or velocc/ in the user's cache directory.
func cacheRoot() (string, error) {
	if dir := os.Getenv("VELOCC_CACHE"); dir != "" {
		return filepath.Abs(dir)
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory for built jobs (set VELOCC_CACHE): %w", err)
	}
	return filepath.Join(dir, "velocc"), nil
}

// buildCached returns the path of the job's binary, building it first unless the cache holds one built from the
// same inputs. It writes the job's module as 'velocc build -o DIR/' does, into a new directory of the cache, and
// hashes it: the generated code (which embeds the script and what it read from config and schema files), the
// module's other files, velocc's own executable and the Go toolchain's version and target. A hit runs the cached
// binary; a miss builds in that directory and renames it to its key, so that concurrent runs never see a half-built
// entry (the first rename wins, the other run uses its result).
func buildCached(plan *compiler.Plan, code []byte, source string, stderr io.Writer) (string, error) {
	root, err := cacheRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "jobs")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", fmt.Errorf("the cache of built jobs (set VELOCC_CACHE to put it elsewhere): %w", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("building the job needs the Go toolchain: %w", err)
	}
	staging, err := os.MkdirTemp(dir, "tmp-")
	if err != nil {
		return "", err
	}
	defer func() {
		if staging != "" {
			os.RemoveAll(staging)
		}
	}()
	if err := writeModule(staging+string(filepath.Separator), source, plan.JobName, code); err != nil {
		return "", err
	}
	key, err := cacheKey(staging, goTool)
	if err != nil {
		return "", err
	}
	name := moduleElem(plan.JobName)
	entry := filepath.Join(dir, key)
	bin := filepath.Join(entry, name)
	if isFile(bin) {
		now := time.Now()
		os.Chtimes(entry, now, now) // marks the entry used, for trimCache; failing to is harmless
		return bin, nil
	}

	fmt.Fprintf(stderr, "velocc: building %s (once: later runs of the same job use %s)\n", name, entry)
	// The module is generated: stamping it with the version control information of a directory around the cache
	// would be wrong, and fails where git is missing.
	cmd := exec.Command(goTool, "build", "-buildvcs=false", "-o", name, ".")
	cmd.Dir = staging
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build of the job failed (%v):\n%s", err, strings.TrimRight(string(out), "\n"))
	}
	if err := install(staging, entry, name); err != nil {
		return "", err
	}
	staging = ""
	trimCache(dir, time.Now())
	return bin, nil
}

// install renames the built module directory staging to entry. If entry exists, a concurrent run has built the
// same job: staging is removed and its binary used.
func install(staging, entry, name string) error {
	err := os.Rename(staging, entry)
	if err == nil {
		return nil
	}
	if isFile(filepath.Join(entry, name)) {
		os.RemoveAll(staging)
		return nil
	}
	return err
}

// cacheKey hashes everything a job's binary depends on: the files of its module directory (names and contents),
// velocc's executable, and the Go toolchain's version and build target.
func cacheKey(moduleDir, goTool string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "velocc job cache 1\n")
	self, err := selfHash()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "velocc %x\n", self)
	cmd := exec.Command(goTool, "env", "GOVERSION", "GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT")
	env, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	fmt.Fprintf(h, "go env\n%s", env)
	err = filepath.WalkDir(moduleDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(moduleDir, path)
		fmt.Fprintf(h, "file %q %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// selfHash identifies the running velocc: the SHA-256 of its executable, so that any rebuild of velocc (a new rt,
// a new code generator) gets new cache entries. Without a readable executable, its build information stands in.
func selfHash() ([]byte, error) {
	if exe, err := os.Executable(); err == nil {
		if data, err := os.ReadFile(exe); err == nil {
			sum := sha256.Sum256(data)
			return sum[:], nil
		}
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil, errors.New("cannot identify this velocc (no executable, no build information) to cache its jobs")
	}
	sum := sha256.Sum256([]byte(bi.String()))
	return sum[:], nil
}

// trimCache removes cache entries, and the directories of interrupted builds, not used for cacheTrimAge.
func trimCache(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.IsDir() && now.Sub(info.ModTime()) > cacheTrimAge {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// links are the flags of build and run that say what a job links beyond what its script needs.
type links struct {
	http, noHTTP bool // -http, -no-http
}

// apply sets them on plan.
func (l links) apply(plan *compiler.Plan) error {
	switch {
	case l.http && l.noHTTP:
		return usageError("-http and -no-http contradict each other")
	case l.noHTTP && plan.HTTPAddress != "":
		return usageError(fmt.Sprintf("-no-http: the script sets 'job.http.address' = '%s', so the job serves HTTP; remove one or the other", plan.HTTPAddress))
	}
	plan.HTTP, plan.NoHTTP = l.http, l.noHTTP
	return nil
}
