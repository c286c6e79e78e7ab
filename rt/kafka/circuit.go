// Sink retries and the circuit breaker: when a Kafka sink tries failed rows again, and when it stops trying for a
// while.

package kafka

import (
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// circuitState is the state of a sink's circuit breaker.
type circuitState int32

const (
	closed   circuitState = iota // rows flow; a failure is retried with backoff
	open                         // the sink waits out 'circuit.breaker.recovery.timeout'; Write blocks
	halfOpen                     // the failed rows are sent again; enough acknowledgements close the circuit
)

// String is the state as rt.DeliveryStats reports it.
func (s circuitState) String() string {
	switch s {
	case open:
		return "open"
	case halfOpen:
		return "half_open"
	}
	return "closed"
}

// retrySettings are a sink's retry and circuit breaker settings.
type retrySettings struct {
	maxAttempts int           // retry.max.attempts: attempts at delivering a row, the first included, before the circuit opens
	initial     time.Duration // retry.initial.delay: the wait before the first retry
	max         time.Duration // retry.max.delay: the longest wait between retries
	multiplier  float64       // retry.multiplier: how much each wait grows
	failures    int           // circuit.breaker.failure.threshold: consecutive failed attempts that open the circuit
	recovery    time.Duration // circuit.breaker.recovery.timeout: how long the circuit stays open before a retry
	successes   int           // circuit.breaker.success.threshold: acknowledged messages that close a half-open circuit
}

// defaultRetry holds the defaults: Velostream's for the circuit breaker (5 failures, 60 s, 3 successes), and as
// many attempts as the circuit breaker's threshold, so that a sink that cannot deliver opens its circuit after 5
// failed attempts either way.
var defaultRetry = retrySettings{maxAttempts: 5, initial: time.Second, max: 30 * time.Second, multiplier: 2,
	failures: 5, recovery: time.Minute, successes: 3}

// readRetrySettings reads the retry and circuit breaker settings of a sink.
func readRetrySettings(opts map[string]string) (retrySettings, error) {
	s := defaultRetry
	var err error
	for _, n := range []struct {
		key string
		to  *int
	}{{"retry.max.attempts", &s.maxAttempts}, {"circuit.breaker.failure.threshold", &s.failures},
		{"circuit.breaker.success.threshold", &s.successes}} {
		if v := opts[n.key]; v != "" {
			i, perr := strconv.Atoi(v)
			if perr != nil || i < 1 {
				return s, fmt.Errorf("%s: want a whole number of at least 1, got %q", n.key, v)
			}
			*n.to = i
		}
	}
	for _, d := range []struct {
		key string
		to  *time.Duration
	}{{"retry.initial.delay", &s.initial}, {"retry.max.delay", &s.max},
		{"circuit.breaker.recovery.timeout", &s.recovery}} {
		if *d.to, err = duration(opts, d.key, *d.to); err != nil {
			return s, err
		}
	}
	if v := opts["retry.multiplier"]; v != "" {
		f, perr := strconv.ParseFloat(v, 64)
		if perr != nil || f < 1 || math.IsInf(f, 0) {
			return s, fmt.Errorf("retry.multiplier: want a number of at least 1, got %q", v)
		}
		s.multiplier = f
	}
	return s, nil
}

// circuit decides, for one sink, when its failed rows are sent again: after a wait growing by retry.multiplier
// from retry.initial.delay to retry.max.delay, halved at random (jitter), while the circuit is closed; after
// circuit.breaker.recovery.timeout once it has opened, which it does after circuit.breaker.failure.threshold
// consecutive failed attempts or once the rows have had retry.max.attempts attempts, whichever comes first. A
// retry while it is open makes it half-open: circuit.breaker.success.threshold messages acknowledged close it, a
// failure opens it again. Each change of state is logged once.
//
// The sink calls its methods under its lock; state and opened may be read at any time.
type circuit struct {
	set    retrySettings
	now    func() time.Time
	jitter func() float64                   // a random number in [0, 1)
	logf   func(format string, args ...any) // information
	warnf  func(format string, args ...any) // warnings

	state  atomic.Int32 // a circuitState
	opened atomic.Int64 // how many times the circuit opened

	attempts  int       // failed attempts at delivering the rows that wait now
	failures  int       // consecutive failed attempts
	successes int       // messages acknowledged since the circuit went half-open
	since     time.Time // when the circuit opened, coming from closed
}

// State returns the circuit's state.
func (c *circuit) State() circuitState { return circuitState(c.state.Load()) }

// fail records a failed attempt at delivering n rows, err saying why, and returns when to try again.
func (c *circuit) fail(n int, err error) time.Time {
	c.attempts++
	c.failures++
	now := c.now()
	switch {
	case c.State() == halfOpen:
		c.open(now)
		c.warnf("circuit open again: the retry of %s failed (%v); retrying in %v", rows(n), err, c.set.recovery)
		return now.Add(c.set.recovery)
	case c.State() == open:
		return now.Add(c.set.recovery) // not reached: the sink retries an open circuit only after half-opening it
	case c.failures >= c.set.failures || c.attempts >= c.set.maxAttempts:
		c.open(now)
		c.warnf("circuit open after %d %s (last: %v); retrying in %v", c.failures, plural(c.failures, "failure"), err,
			c.set.recovery)
		return now.Add(c.set.recovery)
	}
	if c.attempts == 1 {
		c.warnf("delivery of %s failed (%v); retrying with backoff", rows(n), err)
	}
	return now.Add(c.backoff())
}

// open opens the circuit.
func (c *circuit) open(now time.Time) {
	if c.State() == closed {
		c.since = now
	}
	c.state.Store(int32(open))
	c.opened.Add(1)
}

// backoff is the wait before the next attempt: retry.initial.delay × retry.multiplier^(attempts-1), at most
// retry.max.delay, of which the second half is jitter.
func (c *circuit) backoff() time.Duration {
	d := float64(c.set.initial) * math.Pow(c.set.multiplier, float64(c.attempts-1))
	d = min(d, float64(c.set.max))
	return time.Duration(d/2 + c.jitter()*d/2)
}

// retry is called when the wait that fail returned is over, before n rows are sent again: an open circuit goes
// half-open.
func (c *circuit) retry(n int) {
	if c.State() == open {
		c.state.Store(int32(halfOpen))
		c.successes = 0
		c.logf("circuit half-open: retrying %s", rows(n))
	}
}

// delivered records that every row that failed is delivered now.
func (c *circuit) delivered() {
	if c.State() == closed && c.attempts > 0 {
		c.logf("delivered after %d failed %s", c.attempts, plural(c.attempts, "attempt"))
	}
	if c.State() == closed {
		c.attempts, c.failures = 0, 0
	}
}

// acked records n acknowledged messages; in a half-open circuit, enough of them close it.
func (c *circuit) acked(n int) {
	if c.State() != halfOpen {
		return
	}
	c.successes += n
	if c.successes >= c.set.successes {
		c.state.Store(int32(closed))
		c.attempts, c.failures = 0, 0
		c.logf("circuit closed after %d %s delivered; it was open for %v", c.successes,
			plural(c.successes, "message"), c.now().Sub(c.since).Round(time.Millisecond))
	}
}

// rows words a number of rows.
func rows(n int) string { return strconv.Itoa(n) + " " + plural(n, "row") }

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
