// Command kafkalocal runs a single-node Apache Kafka broker in the foreground, for trying velocc's Kafka examples:
// 'make kafka'.
//
// Usage:
//
//	go run ./internal/kafkalocal [-port 9092] [-dir DIR]
//
// It fetches Apache Kafka with mvn into .cache/kafka/ of the repository (the first time only; Java 17 or newer and
// Maven must be installed), starts a KRaft broker (broker and controller in one JVM) on 127.0.0.1:9092, or on a
// free port of 127.0.0.1 when 9092 is taken, prints its address, and runs until Ctrl-C (SIGINT or SIGTERM), which
// stops the broker. Its configuration, data and log (broker.log) live in DIR, .cache/kafka-local/ of the
// repository by default: topics, messages and committed offsets are there again at the next start; remove DIR to
// start empty. It is the broker of the tests (internal/kafkatest/kafkabroker), which creates topics only on
// request: create the topics a script reads with 'velocc topics SCRIPT --create'.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/velocc/velocc/internal/e2e"
	"github.com/velocc/velocc/internal/kafkatest/kafkabroker"
)

// defaultPort is the port Kafka clients try when given no address, velocc's jobs included.
const defaultPort = 9092

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run does the work of main with the stop signal as ctx, and returns the exit code: 0 when the broker was stopped
// by ctx, 1 when it could not start or exited by itself, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kafkalocal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", defaultPort, "the port clients connect to, if it is free (0: any free port)")
	dir := fs.String("dir", "", "the broker's configuration, data and log (default: .cache/kafka-local/ of the repository)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kafkalocal [-port 9092] [-dir DIR]: a single-node Apache Kafka on 127.0.0.1 until Ctrl-C")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *port < 0 || *port > 65535 {
		fs.Usage()
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "kafka: %v\n", err)
		return 1
	}

	root, err := e2e.RepoRoot()
	if err != nil {
		return fail(fmt.Errorf("run it in the velocc checkout: %v", err))
	}
	if *dir == "" {
		*dir = filepath.Join(root, ".cache", "kafka-local")
	}
	libs, err := kafkabroker.Fetch(root)
	if err != nil {
		return fail(fmt.Errorf("%v\nmake kafka needs Java 17 or newer and Maven (apt-get install openjdk-17-jre-headless maven)", err))
	}
	b, err := kafkabroker.Open(ctx, libs, *dir, *port)
	if errors.Is(err, kafkabroker.ErrInterrupted) {
		return 0
	}
	if err != nil {
		return fail(fmt.Errorf("%v\nmake kafka needs Java 17 or newer; its data and log are in %s", err, *dir))
	}
	defer b.Close()

	if want := fmt.Sprintf("127.0.0.1:%d", *port); *port != 0 && b.Addr() != want {
		fmt.Fprintf(stdout, "kafka: %s is taken, so the broker listens on %s instead: export BROKERS=%s\n", want, b.Addr(), b.Addr())
	}
	fmt.Fprintf(stdout, "kafka: Apache Kafka %s on %s, started in %.1fs; data and log in %s; Ctrl-C stops it\n",
		kafkabroker.Version, b.Addr(), b.Startup().Seconds(), b.Dir())
	select {
	case <-ctx.Done():
		fmt.Fprintln(stdout, "kafka: stopping")
		return 0
	case <-b.Done():
		return fail(fmt.Errorf("the broker stopped: %v", b.Exited()))
	}
}
