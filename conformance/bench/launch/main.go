// Command launch runs one command and reports its wall time and peak resident set size, for the benchmark in
// the parent directory.
//
//	launch -report FILE -- COMMAND [ARG...]
//
// The benchmark does not start its contenders itself because of how Linux counts a process's peak RSS: a new
// process starts out with the high-water mark of the process it was forked from, so a child of the benchmark (which
// holds DuckDB and the comparison's rows) would report at least the benchmark's own peak. This program is small,
// so what it passes on is negligible (a few MiB, its own VmHWM, which it reports too). It writes
// {"wall_ns":...,"cpu_ns":...,"maxrss_kb":...,"self_kb":...,"exit":...} to FILE, passes its stdin, stdout and
// stderr on, and exits with the command's status.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// report is what launch writes to the -report file.
type report struct {
	WallNS   int64 `json:"wall_ns"`   // from starting the command to its exit
	CPUNS    int64 `json:"cpu_ns"`    // the command's user and system CPU time
	MaxRSSKB int64 `json:"maxrss_kb"` // the command's peak resident set size
	SelfKB   int64 `json:"self_kb"`   // launch's own peak RSS (VmHWM) when it starts the command: the floor under MaxRSSKB
	Exit     int   `json:"exit"`
}

// vmHWM returns this process's VmHWM from /proc/self/status, in kilobytes, or 0. (Its ru_maxrss would not do: that
// starts at the high-water mark of the process launch was forked from.)
func vmHWM() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

func main() {
	path := flag.String("report", "", "file to write the report to")
	flag.Parse()
	if *path == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: launch -report FILE -- COMMAND [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	// A signal to launch (a timeout of the benchmark) goes on to the command.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	self := vmHWM()
	began := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
		os.Exit(1)
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	rep := report{WallNS: time.Since(began).Nanoseconds(), SelfKB: self}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		rep.Exit = exit.ExitCode()
	case err != nil:
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
		os.Exit(1)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rep.MaxRSSKB = ru.Maxrss
	}
	rep.CPUNS = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Nanoseconds()
	data, _ := json.Marshal(rep)
	if err := os.WriteFile(*path, data, 0o666); err != nil {
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
		os.Exit(1)
	}
	if rep.Exit != 0 {
		os.Exit(max(rep.Exit, 1))
	}
}
