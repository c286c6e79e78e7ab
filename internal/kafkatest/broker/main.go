// Command broker runs a command with a single-node Apache Kafka broker started for it.
//
// Usage:
//
//	go run ./internal/kafkatest/broker [-fetch-only] -- command [args...]
//
// It fetches the Kafka jars with mvn into .cache/kafka/ of the repository (once per Kafka version), starts a KRaft
// broker on 127.0.0.1 in a fresh temporary directory, runs the command with VELOCC_TEST_BROKERS=127.0.0.1:PORT in
// its environment, stops the broker and exits with the command's exit code. When VELOCC_TEST_BROKERS is already
// set, it runs the command against that broker and starts none. -fetch-only fetches the jars and exits, so CI can
// download them before the tests run. The broker itself is internal/kafkatest/kafkabroker's, which also gives tests
// brokers of their own (kafkatest.NewBroker).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/velocc/velocc/internal/e2e"
	"github.com/velocc/velocc/internal/kafkatest/kafkabroker"
)

// brokersEnv names the variable that tells tests where the broker is; internal/kafkatest.Brokers reads it.
const brokersEnv = "VELOCC_TEST_BROKERS"

func main() {
	os.Exit(run())
}

// run does the work of main and returns the exit code, so that deferred clean-ups run before the process exits.
func run() int {
	fetchOnly := flag.Bool("fetch-only", false, "fetch the Kafka jars into .cache/kafka/ and exit")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: broker [-fetch-only] -- command [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	args := flag.Args()
	if !*fetchOnly && len(args) == 0 {
		flag.Usage()
		return 2
	}

	if addr := os.Getenv(brokersEnv); addr != "" && !*fetchOnly {
		return runCommand(args, nil)
	}

	root, err := e2e.RepoRoot()
	if err != nil {
		return fail(err)
	}
	libs, err := kafkabroker.Fetch(root)
	if err != nil {
		return fail(fmt.Errorf("%v, or set %s=host:port to use a running broker", err, brokersEnv))
	}
	if *fetchOnly {
		return 0
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	b, err := kafkabroker.Start(ctx, libs)
	stop()
	if err != nil {
		return fail(err)
	}
	defer b.Close()
	fmt.Fprintf(os.Stderr, "kafkatest: Apache Kafka %s on %s (started in %.1fs)\n", kafkabroker.Version, b.Addr(),
		b.Startup().Seconds())

	code := runCommand(args, []string{brokersEnv + "=" + b.Addr()})
	if err := b.Exited(); err != nil {
		fmt.Fprintf(os.Stderr, "kafkatest: the broker stopped while the command ran: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// fail prints err and returns the exit code for a failure of the wrapper itself.
func fail(err error) int {
	fmt.Fprintf(os.Stderr, "kafkatest: %v\n", err)
	return 1
}

// runCommand runs args with the standard streams passed through and env added to the environment, and returns its
// exit code (128+n when signal n ended it). SIGINT and SIGTERM sent to the wrapper are passed on to the command, so
// the wrapper outlives it and can stop the broker.
func runCommand(args, env []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), env...)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("cannot run the command: %v", err))
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-sigs:
				cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()

	err := cmd.Wait()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return exit.ExitCode()
	default:
		return fail(fmt.Errorf("the command: %v", err))
	}
}
