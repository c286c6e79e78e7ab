// Broker health: whether a Kafka client reaches its brokers, logged once per change, and which errors no retry
// can fix.

package kafka

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// health follows whether the clients of one source or sink reach any of their brokers. It is a franz-go hook:
// every dial and every request reports to it. When the last broker that answered fails, an outage starts; it is
// logged once ("orders: kafka brokers unavailable (...); retrying"), and the next request that succeeds ends it,
// logged once too ("orders: connected again after 21s"). Brokers that fail while another answers (a leader
// election, one broker of several restarting) are the client's business: it retries on its own and moves to the
// new leaders. The start of the current outage stays readable (outage), for 'broker.unavailable.timeout' and as
// the state a metric can export.
type health struct {
	logf, warnf func(format string, args ...any) // the log's information and warnings

	failing atomic.Bool // some broker failed its last dial or request: a success must look at the map
	quiet   atomic.Bool // the clients are closing: their failures say nothing about the brokers

	mu      sync.Mutex
	brokers map[string]bool // per broker address: whether its last dial or request failed
	since   time.Time       // when the current outage started; zero while some broker answers
	cause   error           // the failure that started it
}

func newHealth(logf, warnf func(format string, args ...any)) *health {
	return &health{logf: logf, warnf: warnf, brokers: map[string]bool{}}
}

// close stops the reports, before the clients close.
func (h *health) close() { h.quiet.Store(true) }

// OnBrokerConnect implements kgo.HookBrokerConnect: a failed dial is a failure of the broker; a broker dialled
// for the first time is one the client uses (the outage ends only with an answer, though, not with a dial).
func (h *health) OnBrokerConnect(meta kgo.BrokerMetadata, _ time.Duration, _ net.Conn, err error) {
	switch {
	case err == nil:
		h.mu.Lock()
		if _, known := h.brokers[address(meta)]; !known {
			h.brokers[address(meta)] = false
		}
		h.mu.Unlock()
	case !closing(err) && !h.quiet.Load():
		h.fail(meta, err)
	}
}

// OnBrokerE2E implements kgo.HookBrokerE2E: a request written and answered shows the broker works, one that
// could not be written or whose answer could not be read shows it does not.
func (h *health) OnBrokerE2E(meta kgo.BrokerMetadata, _ int16, e kgo.BrokerE2E) {
	err := e.Err()
	switch {
	case err == nil:
		if h.failing.Load() {
			h.ok(meta)
		}
	case !closing(err) && !h.quiet.Load():
		h.fail(meta, err)
	}
}

// closing reports whether err only says that the client is shutting down or gave a request up.
func closing(err error) bool {
	return errors.Is(err, kgo.ErrClientClosed) || errors.Is(err, context.Canceled)
}

func address(meta kgo.BrokerMetadata) string {
	return net.JoinHostPort(meta.Host, strconv.Itoa(int(meta.Port)))
}

// fail records a failure of a broker; it starts an outage when no broker answers any more.
func (h *health) fail(meta kgo.BrokerMetadata, err error) {
	addr := address(meta)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.brokers[addr] = true
	h.failing.Store(true)
	if !h.since.IsZero() {
		return
	}
	for _, failed := range h.brokers {
		if !failed {
			return
		}
	}
	h.since, h.cause = time.Now(), err
	h.warnf("kafka brokers unavailable (%s: %v); retrying", addr, err)
}

// ok records a success of a broker; it ends the outage, if any.
func (h *health) ok(meta kgo.BrokerMetadata) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.brokers[address(meta)] = false
	failing := false
	for _, failed := range h.brokers {
		failing = failing || failed
	}
	h.failing.Store(failing)
	if !h.since.IsZero() {
		h.logf("connected again after %v", time.Since(h.since).Round(time.Second))
		h.since, h.cause = time.Time{}, nil
	}
}

// outage returns when the current outage started and the failure that started it, or a zero time when some
// broker answers.
func (h *health) outage() (time.Time, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.since, h.cause
}

// fatal reports whether err is one that retrying cannot fix: the client is not allowed in (authentication,
// authorization), or its settings do not fit the cluster (an invalid group id or session timeout, a full group,
// a static member fenced by another instance with the same group.instance.id, an unsupported request version).
// A deleted topic is fatal too, but takes a look at the topic first (see input.topicGone).
func fatal(err error) bool {
	for _, e := range []error{kerr.SaslAuthenticationFailed, kerr.IllegalSaslState, kerr.UnsupportedSaslMechanism,
		kerr.TopicAuthorizationFailed, kerr.GroupAuthorizationFailed, kerr.ClusterAuthorizationFailed,
		kerr.InvalidGroupID, kerr.InvalidSessionTimeout, kerr.GroupMaxSizeReached, kerr.FencedInstanceID,
		kerr.InconsistentGroupProtocol, kerr.UnsupportedVersion} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// unknownTopic reports whether err says that a topic does not exist.
func unknownTopic(err error) bool {
	return errors.Is(err, kerr.UnknownTopicOrPartition) || errors.Is(err, kerr.UnknownTopicID)
}
