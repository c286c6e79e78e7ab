//go:build !unix

// Running the built job as a child process, where exec is not available: velocc exits with the job's status.

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
)

// execJob runs the job with velocc's standard streams and waits for it. The console delivers Ctrl-C to both
// processes, so velocc ignores it and leaves the job to stop itself.
func execJob(bin string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	signal.Ignore(os.Interrupt)
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitStatus(ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", bin, err)
	}
	return nil
}
