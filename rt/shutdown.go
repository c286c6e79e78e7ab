// Shutdown: the first SIGINT or SIGTERM stops the job cleanly within --shutdown-timeout, a second one exits at once.
//
// A clean stop stops reading, lets the records in flight through the queries, flushes every sink and commits what
// the sinks delivered (a Kafka source commits only after every sink acknowledged the rows before the offset). When
// that takes longer than --shutdown-timeout, or a second signal comes, the job exits without waiting for it: the
// offsets committed then cover only rows already delivered, so a restart replays the rest.

package rt

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"syscall"
	"time"
)

// PendingReporter is an Output that holds rows until the destination acknowledges them (rt/kafka's sink): when
// the clean stop runs out of time, the job says how many rows each such sink still waited for.
type PendingReporter interface {
	// Pending returns how many rows written so far are not acknowledged yet. Safe to call while the job runs.
	Pending() int64
}

// ExitShutdownTimeout is the exit code of a job whose clean stop did not finish within --shutdown-timeout.
const ExitShutdownTimeout = 1

// awaitSignals returns the code that done delivers. The first signal on sigs calls stop, which starts the clean
// stop; a second one returns at once with 128 plus the signal's number (130 for SIGINT, 143 for SIGTERM), as a
// shell reports a process killed by it, whatever the clean stop is still doing.
func awaitSignals(name string, sigs <-chan os.Signal, stop func(), done <-chan int, stderr io.Writer) int {
	lw := lockStderr(stderr)
	stopping := false
	for {
		select {
		case code := <-done:
			return code
		case sig := <-sigs:
			if !stopping {
				stopping = true
				logAt(lw.logger(), slog.LevelInfo, name, "stopping (%s): finishing records in flight, flushing sinks, committing; a second signal exits at once", signalName(sig))
				stop()
				continue
			}
			code := signalCode(sig)
			logAt(lw.logger(), slog.LevelWarn, name, "%s during the clean stop: exiting at once with %d; nothing is committed past the rows already delivered, a restart replays the rest", signalName(sig), code)
			return code
		}
	}
}

// signalName names SIGINT and SIGTERM as operators know them.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return sig.String()
}

// signalCode is the exit code of a process ended by sig, by the shell's convention: 128 plus its number.
func signalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// awaitStop returns the code that result delivers, unless the job is stopped (ctx is done) and result has not
// come within timeout (0: no limit) of it. Then it reports what the sinks still wait for and returns
// ExitShutdownTimeout, leaving the stop unfinished: the process exits, and offsets are committed only after the
// flush that never finished, so none lies past an undelivered row.
func (r *runner) awaitStop(ctx context.Context, name string, result <-chan int, timeout time.Duration) int {
	select {
	case code := <-result:
		return code
	case <-ctx.Done():
	}
	if timeout == 0 {
		return <-result
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case code := <-result:
		return code
	case <-t.C:
	}
	for _, o := range r.outputs {
		p, ok := o.ext.(PendingReporter)
		if !ok {
			continue
		}
		if n := p.Pending(); n > 0 {
			rows := "rows"
			if n == 1 {
				rows = "row"
			}
			logAt(r.logger(), slog.LevelError, r.sinkNames(o), "%d %s not acknowledged after --shutdown-timeout %v; offsets not committed past them", n, rows, timeout)
		}
	}
	logAt(r.logger(), slog.LevelError, name, "the clean stop did not finish within --shutdown-timeout %v: exiting with %d; nothing is committed past the rows not delivered, a restart replays them", timeout, ExitShutdownTimeout)
	return ExitShutdownTimeout
}

// sinkNames names the sinks that write to o: "alerts", or "alerts, audit" when they share it.
func (r *runner) sinkNames(o *sinkOutput) string {
	var names []string
	for _, s := range r.sinks {
		if s.out == o {
			names = append(names, s.spec.Name)
		}
	}
	if len(names) == 0 {
		return o.name
	}
	return strings.Join(names, ", ")
}
