//go:build unix

// Running the built job in velocc's place (Unix): exec, so that the job gets velocc's process, signals and exit code.

package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// execJob replaces velocc with the job: its exit status is velocc's, and Ctrl-C or a SIGTERM reach the job as if
// it had been started directly. It returns only if the exec fails.
func execJob(bin string, args []string, _ io.Reader, _, _ io.Writer) error {
	err := syscall.Exec(bin, append([]string{bin}, args...), os.Environ())
	return fmt.Errorf("running %s: %w", bin, err)
}
