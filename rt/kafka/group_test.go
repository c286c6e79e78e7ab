// Tests of the decision to keep a job's state across a lost group session, and of the broker health log.
package kafka

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestKeepState(t *testing.T) {
	const topic = "orders"
	off := func(at int64, meta string) kadm.Offset {
		return kadm.Offset{Topic: topic, At: at, LeaderEpoch: -1, Metadata: meta}
	}
	// fetched builds the committed offsets the group holds: partition → offset, -1 for none.
	fetched := func(m map[int32]int64) kadm.OffsetResponses {
		r := kadm.OffsetResponses{topic: {}}
		for p, at := range m {
			o := off(at, "")
			if at >= 0 {
				o.Metadata = fmt.Sprintf("velocc1;0=%d", at)
			}
			o.Partition = p
			r[topic][p] = kadm.OffsetResponse{Offset: o}
		}
		return r
	}
	mine := func(at int64) kadm.Offset { return off(at, fmt.Sprintf("velocc1;0=%d", at)) }
	both := map[int32]bool{0: true, 1: true}
	next := map[int32]int64{0: 120, 1: 80}
	tests := []struct {
		name      string
		parts     []int32
		kept      map[int32]bool
		next      map[int32]int64
		fetched   kadm.OffsetResponses
		committed map[int32]kadm.Offset
		tried     map[int32]kadm.Offset
		want      bool
	}{
		{"untouched", []int32{0, 1}, both, next, fetched(map[int32]int64{0: 100, 1: 50}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, true},
		{"never committed", []int32{0, 1}, both, next, fetched(map[int32]int64{0: -1, 1: -1}), nil, nil, true},
		{"a commit whose answer was lost", []int32{0, 1}, both, next, fetched(map[int32]int64{0: 110, 1: 50}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, map[int32]kadm.Offset{0: mine(110)}, true},
		{"a commit that never arrived", []int32{0, 1}, both, next, fetched(map[int32]int64{0: 100, 1: 50}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, map[int32]kadm.Offset{0: mine(110)}, true},
		{"another member committed", []int32{0, 1}, both, next, fetched(map[int32]int64{0: 130, 1: 50}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, false},
		{"another member committed the same offset with other metadata", []int32{0, 1}, both, next,
			kadm.OffsetResponses{topic: {0: {Offset: off(100, "velocc1;0=7")}, 1: {Offset: mine(50)}}},
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, false},
		{"another member committed where there was none", []int32{0, 1}, both, next,
			fetched(map[int32]int64{0: -1, 1: 60}), nil, nil, false},
		{"the commits were deleted", []int32{0, 1}, both, next, fetched(map[int32]int64{0: -1, 1: -1}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, false},
		{"fewer partitions", []int32{0}, both, next, fetched(map[int32]int64{0: 100}),
			map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, false},
		{"other partitions", []int32{0, 2}, both, next, fetched(map[int32]int64{0: 100, 2: -1}),
			map[int32]kadm.Offset{0: mine(100)}, nil, false},
		{"no position to read on from", []int32{0, 1}, both, map[int32]int64{0: 120},
			fetched(map[int32]int64{0: 100, 1: 50}), map[int32]kadm.Offset{0: mine(100), 1: mine(50)}, nil, false},
	}
	for _, tt := range tests {
		got := keepState(topic, tt.parts, tt.kept, tt.next, tt.fetched, tt.committed, tt.tried)
		if got != tt.want {
			t.Errorf("%s: keepState = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHealth(t *testing.T) {
	var log []string
	logf := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	h := newHealth(logf, logf)
	a := kgo.BrokerMetadata{NodeID: 1, Host: "k1", Port: 9092}
	b := kgo.BrokerMetadata{NodeID: 2, Host: "k2", Port: 9092}
	refused := errors.New("connection refused")

	h.OnBrokerConnect(a, 0, nil, nil)
	h.OnBrokerConnect(b, 0, nil, nil)
	h.OnBrokerE2E(a, 1, kgo.BrokerE2E{})
	h.OnBrokerConnect(a, 0, nil, refused) // one of two brokers: the client moves on to the other
	if since, _ := h.outage(); !since.IsZero() || len(log) != 0 {
		t.Fatalf("one broker of two failed: outage since %v, log %q; want none", since, log)
	}
	h.OnBrokerE2E(b, 1, kgo.BrokerE2E{ReadErr: errors.New("EOF")})
	h.OnBrokerConnect(b, 0, nil, refused)
	h.OnBrokerConnect(a, 0, nil, refused)
	since, cause := h.outage()
	if since.IsZero() || cause == nil || cause.Error() != "EOF" {
		t.Fatalf("both brokers failed: outage since %v caused by %v; want one caused by EOF", since, cause)
	}
	h.OnBrokerConnect(a, 0, nil, nil) // a dial is no answer yet
	if since, _ := h.outage(); since.IsZero() {
		t.Errorf("a dial ended the outage")
	}
	h.OnBrokerE2E(a, 1, kgo.BrokerE2E{})
	h.OnBrokerE2E(b, 1, kgo.BrokerE2E{})
	h.OnBrokerConnect(a, 0, nil, kgo.ErrClientClosed) // shutting down says nothing about the broker
	h.close()
	h.OnBrokerE2E(b, 1, kgo.BrokerE2E{ReadErr: errors.New("use of closed network connection")})
	h.OnBrokerE2E(a, 1, kgo.BrokerE2E{WriteErr: errors.New("broken pipe")})
	if since, _ := h.outage(); !since.IsZero() {
		t.Errorf("an outage after the clients closed")
	}
	want := "kafka brokers unavailable (k2:9092: EOF); retrying\nconnected again after 0s"
	if got := strings.Join(log, "\n"); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}
