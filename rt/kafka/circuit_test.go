package kafka

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeCircuit is a circuit on a clock the test moves, with its log lines kept.
type fakeCircuit struct {
	*circuit
	clock time.Time
	lines []string
}

func newFakeCircuit(set retrySettings, jitter float64) *fakeCircuit {
	f := &fakeCircuit{clock: time.Date(2024, 6, 3, 13, 30, 0, 0, time.UTC)}
	f.circuit = &circuit{set: set, now: func() time.Time { return f.clock }, jitter: func() float64 { return jitter },
		logf: func(format string, args ...any) { f.lines = append(f.lines, fmt.Sprintf(format, args...)) }}
	f.circuit.warnf = f.circuit.logf
	return f
}

// failWait records a failed attempt at n rows and returns the wait until the next, moving the clock past it.
func (f *fakeCircuit) failWait(n int) time.Duration {
	next := f.fail(n, errors.New("MESSAGE_TOO_LARGE"))
	d := next.Sub(f.clock)
	f.clock = next
	return d
}

// TestCircuitBackoff checks the waits between attempts: doubling from the initial delay, capped at the maximum,
// the second half of each drawn at random.
func TestCircuitBackoff(t *testing.T) {
	set := retrySettings{maxAttempts: 10, initial: 100 * time.Millisecond, max: 500 * time.Millisecond, multiplier: 2,
		failures: 10, recovery: time.Minute, successes: 1}
	for _, c := range []struct {
		jitter float64
		want   []time.Duration
	}{
		{0, []time.Duration{50, 100, 200, 250, 250}},
		{0.5, []time.Duration{75, 150, 300, 375, 375}},
		{0.999999, []time.Duration{99, 199, 399, 499, 499}},
	} {
		f := newFakeCircuit(set, c.jitter)
		for i, want := range c.want {
			got := f.failWait(3)
			if want *= time.Millisecond; got.Truncate(time.Millisecond) != want {
				t.Errorf("jitter %v, attempt %d: wait %v, want %v", c.jitter, i+1, got, want)
			}
		}
		if f.State() != closed || f.opened.Load() != 0 {
			t.Errorf("jitter %v: state %v after 5 failures of 10", c.jitter, f.State())
		}
	}
}

// TestCircuitOpenHalfOpenClosed walks the circuit through its states: failures up to the threshold open it, the
// recovery timeout passes, a retry makes it half-open, a failure then opens it at once, and after the next
// recovery timeout enough acknowledged messages close it. Each change is logged once.
func TestCircuitOpenHalfOpenClosed(t *testing.T) {
	f := newFakeCircuit(retrySettings{maxAttempts: 100, initial: time.Second, max: 30 * time.Second, multiplier: 2,
		failures: 3, recovery: 2 * time.Second, successes: 3}, 0.5)
	f.failWait(4)
	f.failWait(4)
	if f.State() != closed {
		t.Fatalf("state %v after 2 failures, threshold 3", f.State())
	}
	if d := f.failWait(4); f.State() != open || d != 2*time.Second || f.opened.Load() != 1 {
		t.Fatalf("after 3 failures: state %v, wait %v, opened %d; want open, 2s, 1", f.State(), d, f.opened.Load())
	}
	f.acked(5) // rows of other partitions, acknowledged meanwhile, do not close an open circuit
	if f.State() != open {
		t.Fatalf("acknowledgements closed an open circuit")
	}
	f.retry(4)
	if f.State() != halfOpen {
		t.Fatalf("state %v after the recovery timeout, want half_open", f.State())
	}
	if d := f.failWait(4); f.State() != open || d != 2*time.Second || f.opened.Load() != 2 {
		t.Fatalf("a failure when half-open: state %v, wait %v, opened %d; want open, 2s, 2", f.State(), d, f.opened.Load())
	}
	f.retry(4)
	f.acked(2)
	f.delivered()
	if f.State() != halfOpen {
		t.Fatalf("state %v after 2 acknowledgements of 3, want half_open", f.State())
	}
	f.acked(1)
	if f.State() != closed {
		t.Fatalf("state %v after 3 acknowledgements, want closed", f.State())
	}
	// Closed again, the count starts over: two failures do not open it.
	f.failWait(1)
	f.failWait(1)
	f.delivered()
	if f.State() != closed || f.opened.Load() != 2 {
		t.Fatalf("state %v, opened %d after 2 failures on a closed circuit", f.State(), f.opened.Load())
	}
	want := []string{
		"delivery of 4 rows failed (MESSAGE_TOO_LARGE); retrying with backoff",
		"circuit open after 3 failures (last: MESSAGE_TOO_LARGE); retrying in 2s",
		"circuit half-open: retrying 4 rows",
		"circuit open again: the retry of 4 rows failed (MESSAGE_TOO_LARGE); retrying in 2s",
		"circuit half-open: retrying 4 rows",
		"circuit closed after 3 messages delivered; it was open for 4s",
		"delivery of 1 row failed (MESSAGE_TOO_LARGE); retrying with backoff",
		"delivered after 2 failed attempts",
	}
	if got := strings.Join(f.lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

// TestCircuitMaxAttempts opens the circuit when the rows have had their attempts, before the failure threshold.
func TestCircuitMaxAttempts(t *testing.T) {
	f := newFakeCircuit(retrySettings{maxAttempts: 2, initial: time.Second, max: time.Second, multiplier: 2,
		failures: 5, recovery: time.Minute, successes: 1}, 0)
	f.failWait(1)
	if d := f.failWait(1); f.State() != open || d != time.Minute {
		t.Fatalf("after 2 attempts of 2: state %v, wait %v; want open, 1m", f.State(), d)
	}
	// Open for good: each retry is a half-open attempt, and a failure opens the circuit again.
	for i := range 3 {
		f.retry(1)
		if d := f.failWait(1); f.State() != open || d != time.Minute || f.opened.Load() != int64(i+2) {
			t.Fatalf("retry %d: state %v, wait %v, opened %d", i, f.State(), d, f.opened.Load())
		}
	}
	f.retry(1)
	f.acked(1)
	if f.State() != closed {
		t.Fatalf("state %v after an acknowledgement with a success threshold of 1", f.State())
	}
}

// TestReadRetrySettings reads the settings, and rejects values out of range naming the setting.
func TestReadRetrySettings(t *testing.T) {
	s, err := readRetrySettings(map[string]string{"retry.max.attempts": "7", "retry.initial.delay": "250ms",
		"retry.max.delay": "10000", "retry.multiplier": "1.5", "circuit.breaker.failure.threshold": "2",
		"circuit.breaker.recovery.timeout": "2s", "circuit.breaker.success.threshold": "4"})
	want := retrySettings{maxAttempts: 7, initial: 250 * time.Millisecond, max: 10 * time.Second, multiplier: 1.5,
		failures: 2, recovery: 2 * time.Second, successes: 4}
	if err != nil || s != want {
		t.Errorf("got %+v, %v; want %+v", s, err, want)
	}
	if s, err := readRetrySettings(nil); err != nil || s != defaultRetry {
		t.Errorf("defaults: got %+v, %v", s, err)
	}
	for k, v := range map[string]string{"retry.max.attempts": "0", "retry.multiplier": "0.5",
		"circuit.breaker.recovery.timeout": "soon", "circuit.breaker.success.threshold": "x"} {
		if _, err := readRetrySettings(map[string]string{k: v}); err == nil || !strings.HasPrefix(err.Error(), k+": ") {
			t.Errorf("%s = %q: error %v, want one naming the setting", k, v, err)
		}
	}
}
