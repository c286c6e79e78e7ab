package rt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// TestAwaitSignals: the first signal starts the clean stop and says so; the job's own code wins when the stop
// finishes; a second signal returns at once with 128 plus its number, whatever the stop is doing.
func TestAwaitSignals(t *testing.T) {
	const stopLine = "orders_job: stopping (SIGTERM): finishing records in flight, flushing sinks, committing; a second signal exits at once\n"
	for _, tc := range []struct {
		name     string
		sigs     []os.Signal
		finishes bool // the clean stop finishes (with ExitStopped) once it starts
		code     int
		last     string // the last line on stderr
	}{
		{"stop finishes", []os.Signal{syscall.SIGTERM}, true, ExitStopped, stopLine},
		{"SIGINT second", []os.Signal{syscall.SIGTERM, os.Interrupt}, false, 130,
			"orders_job: SIGINT during the clean stop: exiting at once with 130; nothing is committed past the rows already delivered, a restart replays the rest\n"},
		{"SIGTERM second", []os.Signal{syscall.SIGTERM, syscall.SIGTERM}, false, 143,
			"orders_job: SIGTERM during the clean stop: exiting at once with 143; nothing is committed past the rows already delivered, a restart replays the rest\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sigs := make(chan os.Signal, len(tc.sigs))
			for _, s := range tc.sigs {
				sigs <- s
			}
			done := make(chan int, 1)
			stops := 0
			stop := func() {
				if stops++; tc.finishes {
					done <- ExitStopped
				}
			}
			var stderr bytes.Buffer
			code := awaitSignals("orders_job", sigs, stop, done, &stderr)
			if code != tc.code || stops != 1 {
				t.Errorf("exit %d after %d stops; want %d after 1", code, stops, tc.code)
			}
			lines := strings.SplitAfter(stderr.String(), "\n")
			if lines[0] != stopLine || lines[len(lines)-2] != tc.last {
				t.Errorf("stderr:\n%s\nwant the stop line, then:\n%s", stderr.String(), tc.last)
			}
		})
	}
}

// stuckInput hands its records over, then waits to be stopped and commits as a Kafka source does: after flushing
// every sink.
type stuckInput struct {
	src       *Source
	handed    chan struct{}
	committed atomic.Bool
}

func (in *stuckInput) Start(context.Context) error { return nil }
func (in *stuckInput) Close() error                { return nil }
func (in *stuckInput) Run(ctx context.Context) error {
	for i, r := range []string{`{"symbol":"A","qty":1}`, `{"symbol":"B","qty":2}`, `{"symbol":"C","qty":3}`} {
		if err := in.src.Record([]byte(r), nil, 0, int64(i), 0); err != nil {
			return err
		}
	}
	close(in.handed)
	<-ctx.Done()
	if err := in.src.Flush(context.Background()); err != nil {
		return err
	}
	in.committed.Store(true)
	return nil
}

// stuckOutput takes rows and acknowledges none until released: a destination that went away.
type stuckOutput struct {
	written atomic.Int64
	release chan struct{}
}

func (o *stuckOutput) Start(context.Context) error { return nil }
func (o *stuckOutput) Write(_, _ []byte) error {
	o.written.Add(1)
	return nil
}
func (o *stuckOutput) Flush(context.Context) error {
	<-o.release
	return nil
}
func (o *stuckOutput) Close() error   { return o.Flush(context.Background()) }
func (o *stuckOutput) Name() string   { return "stuck destination" }
func (o *stuckOutput) Pending() int64 { return o.written.Load() }

type stuckTransport struct {
	in  chan *stuckInput
	out *stuckOutput
}

func (t stuckTransport) NewInput(s *Source, _ string, _ *Env) (Input, error) {
	in := &stuckInput{src: s, handed: make(chan struct{})}
	t.in <- in
	return in, nil
}

func (t stuckTransport) NewOutput(SinkSpec, string, *Env) (Output, error) {
	if t.out == nil {
		return nil, errors.New("no outputs")
	}
	return t.out, nil
}

// TestRunShutdownTimeout stops a job whose sink never acknowledges its rows: the flush can never finish, so the
// deadline expires whatever the machine's speed. The job exits 1 at --shutdown-timeout, naming the sink and the
// rows it still waited for, without the source having committed.
func TestRunShutdownTimeout(t *testing.T) {
	tr := stuckTransport{in: make(chan *stuckInput, 1), out: &stuckOutput{release: make(chan struct{})}}
	RegisterTransport("stuck", tr)
	t.Cleanup(func() {
		close(tr.out.release) // the abandoned stop finishes, and its goroutines end
		transportsMu.Lock()
		defer transportsMu.Unlock()
		delete(transports, "stuck")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runContext(ctx, orderJob(SourceSpec{Name: "orders", URI: "stuck:orders"}), []string{"--shutdown-timeout", "100ms",
			"--sink", "out=stuck:out"}, &stdout, &stderr)
	}()
	in := <-tr.in
	<-in.handed
	cancel()
	code := <-done
	if code != ExitShutdownTimeout {
		t.Fatalf("exit %d, want %d:\n%s", code, ExitShutdownTimeout, stderr.String())
	}
	for _, want := range []string{
		"out: 3 rows not acknowledged after --shutdown-timeout 100ms; offsets not committed past them\n",
		"orders_job: the clean stop did not finish within --shutdown-timeout 100ms: exiting with 1; nothing is committed past the rows not delivered, a restart replays them\n",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
		}
	}
	if in.committed.Load() {
		t.Errorf("the source committed although its rows were never acknowledged")
	}
}

// TestShutdownTimeoutFlag: the flag's default, its values, and its line in --help.
func TestShutdownTimeoutFlag(t *testing.T) {
	j := orderJob(SourceSpec{Name: "orders", URI: "file:orders.jsonl"})
	for _, tc := range []struct {
		args []string
		want string // the timeout, or the usage error
	}{
		{nil, "30s"},
		{[]string{"--shutdown-timeout", "2m"}, "2m0s"},
		{[]string{"--shutdown-timeout=0"}, "0s"},
		{[]string{"--shutdown-timeout", "-1s"}, `flag --shutdown-timeout wants a duration such as 30s, or 0 for no limit, got "-1s"`},
		{[]string{"--shutdown-timeout", "soon"}, `flag --shutdown-timeout wants a duration such as 30s, or 0 for no limit, got "soon"`},
		{[]string{"--shutdown-timeout"}, "flag --shutdown-timeout needs a value"},
	} {
		o, err := parseFlags(j, tc.args)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = o.shutdownTimeout.String()
		}
		if got != tc.want {
			t.Errorf("%q: %s, want %s", tc.args, got, tc.want)
		}
	}
	res := runJob(context.Background(), j, "--help")
	if !strings.Contains(res.stdout, "\n  --shutdown-timeout D       after SIGINT or SIGTERM, how long") {
		t.Errorf("--help does not list --shutdown-timeout:\n%s", res.stdout)
	}
}
