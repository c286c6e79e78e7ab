package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/velocc/velocc/internal/e2e"
	"github.com/velocc/velocc/internal/kafkatest"
)

// session is one run of the program in the test: its address once it is ready, and how to stop it.
type session struct {
	addr  string
	lines []string // what it printed on stdout
	stop  context.CancelFunc
	code  chan int
}

// start runs the program with args until the test stops it, and returns once it printed its address (or fails
// the test if it exits first). Only the broker's own start-up timeout bounds the wait.
func start(t *testing.T, args ...string) *session {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r, w := io.Pipe()
	s := &session{stop: cancel, code: make(chan int, 1)}
	var stderr strings.Builder
	go func() {
		s.code <- run(ctx, args, w, &stderr)
		w.Close()
	}()
	ready := regexp.MustCompile(`^kafka: Apache Kafka \S+ on (127\.0\.0\.1:[0-9]+), started in `)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		s.lines = append(s.lines, sc.Text())
		if m := ready.FindStringSubmatch(sc.Text()); m != nil {
			s.addr = m[1]
			go io.Copy(io.Discard, r)
			return s
		}
	}
	t.Fatalf("kafkalocal %s exited with %d before it was ready; stdout:\n%s\nstderr:\n%s", strings.Join(args, " "),
		<-s.code, strings.Join(s.lines, "\n"), stderr.String())
	return nil
}

// end stops the program as Ctrl-C does and checks that it exits 0.
func (s *session) end(t *testing.T) {
	t.Helper()
	s.stop()
	if code := <-s.code; code != 0 {
		t.Errorf("kafkalocal exited with %d after the stop, want 0", code)
	}
}

// TestLocalBroker runs the broker of 'make kafka' twice on one directory: the first time on a port that is taken,
// so it must say so and listen on another; a topic and a message written then must be there after the restart.
func TestLocalBroker(t *testing.T) {
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if kafkatest.Libs(t, root) == "" {
		return
	}
	dir := t.TempDir()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := taken.Addr().String()

	first := start(t, "-port", strings.TrimPrefix(busy, "127.0.0.1:"), "-dir", dir)
	if first.addr == busy {
		t.Fatalf("the broker says it listens on %s, which the test holds", busy)
	}
	if want := fmt.Sprintf("kafka: %s is taken, so the broker listens on %s instead: export BROKERS=%s", busy, first.addr, first.addr); first.lines[0] != want {
		t.Errorf("first line %q, want %q", first.lines[0], want)
	}
	// Not kafkatest.CreateTopic: its clean-up would delete the topic after the broker is gone.
	cl, err := kgo.NewClient(kgo.SeedBrokers(first.addr))
	if err != nil {
		t.Fatal(err)
	}
	_, err = kadm.NewClient(cl).CreateTopic(t.Context(), 1, 1, nil, "kept")
	cl.Close()
	if err != nil {
		t.Fatalf("creating topic kept: %v", err)
	}
	kafkatest.Produce(t, first.addr, "kept", &kgo.Record{Key: []byte("k"), Value: []byte(`{"v":1}`)})
	first.end(t)

	second := start(t, "-port", "0", "-dir", dir)
	defer second.end(t)
	got := kafkatest.Consume(t, second.addr, "kept", 1, 2*time.Minute)
	if len(got) != 1 || string(got[0].Key) != "k" || string(got[0].Value) != `{"v":1}` {
		t.Errorf("after the restart, topic kept holds %v; want the message written before", got)
	}
}

// TestUsage checks the exit code of a wrong command line.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"extra"}, {"-port", "-1"}, {"-port", "65536"}, {"-nope"}} {
		var stderr strings.Builder
		if code := run(t.Context(), args, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "usage: kafkalocal") {
			t.Errorf("kafkalocal %s: exit %d, stderr %q; want 2 and the usage", strings.Join(args, " "), code, stderr.String())
		}
	}
}
